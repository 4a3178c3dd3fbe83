// A strict little XML reader for the tests: enough of XML 1.0 to prove that junit.xml and the SVGs are
// well-formed (balanced tags, quoted unique attributes, known entities, no stray `<` or `&`) and to walk them.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  if (raw.includes("<")) throw new Error(`raw '<' in ${where}`);
  return raw.replace(/&([^;]*);?/g, (m, name: string) => {
    if (!m.endsWith(";")) throw new Error(`unterminated entity in ${where}: ${m}`);
    if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
    if (!(name in ENTITIES)) throw new Error(`unknown entity &${name}; in ${where}`);
    return ENTITIES[name];
  });
}

export function parseXml(source: string): XmlElement {
  let i = 0;
  const root: XmlElement = { name: "#document", attributes: {}, children: [], text: "" };
  const stack: XmlElement[] = [root];
  const top = () => stack[stack.length - 1];
  while (i < source.length) {
    const lt = source.indexOf("<", i);
    const chunk = source.slice(i, lt === -1 ? source.length : lt);
    if (chunk.trim()) {
      if (stack.length === 1) throw new Error(`text outside the root element: ${chunk.slice(0, 40)}`);
      top().text += decode(chunk, `text of <${top().name}>`);
    }
    if (lt === -1) break;
    if (source.startsWith("<?", lt)) {
      i = source.indexOf("?>", lt) + 2;
    } else if (source.startsWith("<!--", lt)) {
      i = source.indexOf("-->", lt) + 3;
    } else if (source.startsWith("<![CDATA[", lt)) {
      const end = source.indexOf("]]>", lt);
      top().text += source.slice(lt + 9, end);
      i = end + 3;
    } else if (source.startsWith("</", lt)) {
      const end = source.indexOf(">", lt);
      const name = source.slice(lt + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      i = end + 1;
    } else {
      const m = /^<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(
        source.slice(lt),
      );
      if (!m) throw new Error(`malformed tag at ${lt}: ${source.slice(lt, lt + 60)}`);
      const element: XmlElement = { name: m[1], attributes: {}, children: [], text: "" };
      for (const a of m[2].matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        if (a[1] in element.attributes) throw new Error(`duplicate attribute ${a[1]} on <${m[1]}>`);
        element.attributes[a[1]] = decode(a[2] ?? a[3], `attribute ${a[1]} of <${m[1]}>`);
      }
      if (stack.length === 1 && root.children.length) throw new Error("more than one root element");
      top().children.push(element);
      if (!m[3]) stack.push(element);
      i = lt + m[0].length;
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${top().name}>`);
  if (root.children.length !== 1) throw new Error("expected one root element");
  return root.children[0];
}

/** Every element below (and including) `element`, depth first. */
export function descendants(element: XmlElement): XmlElement[] {
  return [element, ...element.children.flatMap(descendants)];
}

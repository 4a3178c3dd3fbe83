// Checks a Chaos Mesh object the way its CRD schema and admission webhooks would, without a cluster: required
// fields, enums (actions, modes, directions, template types), duration, rate, percentage and size syntax, names,
// and the Workflow rules (entry and children exist, a Suspend has a deadline, an embedded chaos has no duration).
// It reads plain objects, so it checks what was written (e.g. parsed back from YAML), not what the types promise.
import type { Problem } from "../../core/errors.ts";
import { goDurationProblem, singleUnitProblem } from "./go-duration.ts";
import { KNOWN_FIELDS } from "./known-fields.ts";
import {
  API_VERSION,
  CHAOS_KINDS,
  type ChaosKind,
  DIRECTIONS,
  EMBED_KEYS,
  NETWORK_ACTIONS,
  POD_ACTIONS,
  SELECTOR_MODES,
  TEMPLATE_TYPES,
} from "./model.ts";

type Obj = Record<string, unknown>;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RATE = /^\s*\d+\s*(kbit|mbit|gbit|tbit|tbps|gbps|mbps|kbps|bps|bit)\s*$/i;
const HUMAN_SIZE = /^\d+(\.\d+)* ?[kKmMgGtTpP]?[iI]?[bB]?$/;
const NETEM_SUBSPECS = { delay: "delay", loss: "loss", bandwidth: "bandwidth" } as const;

/** Every problem with a Chaos Mesh object (NetworkChaos, PodChaos, StressChaos or Workflow); empty when valid. */
export function validateChaosMesh(input: unknown): Problem[] {
  const p = new Problems();
  if (!isObj(input)) return [{ path: "", message: "expected an object" }];
  unknownFields(p, "", input, "object");
  if (input.apiVersion !== API_VERSION)
    p.add("apiVersion", `expected ${API_VERSION}, found ${JSON.stringify(input.apiVersion)}`);
  metadata(p, input.metadata);
  const kind = input.kind;
  if (kind === "Workflow") workflow(p, "spec", input.spec);
  else if (CHAOS_KINDS.includes(kind as ChaosKind))
    chaosSpec(p, "spec", kind as ChaosKind, input.spec, false);
  else p.add("kind", `expected Workflow or one of ${CHAOS_KINDS.join(", ")}, found ${JSON.stringify(kind)}`);
  return p.list;
}

class Problems {
  readonly list: Problem[] = [];
  /** Records a problem; returns nothing, so that `return p.add(...)` ends a check. */
  add(path: string, message: string): undefined {
    this.list.push({ path, message });
    return undefined;
  }
  /** Adds the problem when there is one. */
  check(path: string, problem: string | undefined): void {
    if (problem) this.add(path, problem);
  }
}

/** A problem for each field the part may not have. */
function unknownFields(p: Problems, path: string, o: Obj, part: keyof typeof KNOWN_FIELDS): undefined {
  const known: readonly string[] = KNOWN_FIELDS[part];
  for (const key of Object.keys(o))
    if (!known.includes(key) && o[key] !== undefined)
      p.add(path ? `${path}.${key}` : key, `unknown field: ${part} has ${known.join(", ")}`);
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function metadata(p: Problems, m: unknown): undefined {
  if (!isObj(m)) return p.add("metadata", "required: an object with a name");
  unknownFields(p, "metadata", m, "metadata");
  if (typeof m.name !== "string" || m.name.length > 253 || !DNS_SUBDOMAIN.test(m.name))
    p.add(
      "metadata.name",
      `expected a DNS-1123 subdomain (a-z, 0-9, "-", "."), found ${JSON.stringify(m.name)}`,
    );
  if (m.namespace !== undefined && (typeof m.namespace !== "string" || !dnsLabel(m.namespace)))
    p.add("metadata.namespace", `expected a DNS-1123 label, found ${JSON.stringify(m.namespace)}`);
  for (const key of ["labels", "annotations"] as const)
    if (m[key] !== undefined && !stringMap(m[key])) p.add(`metadata.${key}`, "expected a map of strings");
}

function dnsLabel(s: string): boolean {
  return s.length <= 63 && DNS_LABEL.test(s);
}

function stringMap(v: unknown): boolean {
  return isObj(v) && Object.values(v).every((x) => typeof x === "string");
}

function oneOf(
  p: Problems,
  path: string,
  v: unknown,
  allowed: readonly string[],
  required = true,
): undefined {
  if (v === undefined && !required) return;
  if (v === undefined) return p.add(path, `required: one of ${allowed.join(", ")}`);
  if (!allowed.includes(v as string))
    p.add(path, `expected one of ${allowed.join(", ")}, found ${JSON.stringify(v)}`);
}

function integer(
  p: Problems,
  path: string,
  v: unknown,
  min: number,
  max: number,
  required = true,
): undefined {
  if (v === undefined && !required) return;
  if (!(Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max))
    p.add(path, `expected a whole number in [${min}, ${max}], found ${JSON.stringify(v)}`);
}

/** A number written as a string (Chaos Mesh's FloatStr), here a percentage in [0, 100]. */
function percentString(p: Problems, path: string, v: unknown, required = true): undefined {
  if (v === undefined && !required) return;
  const n = typeof v === "string" && /^\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN;
  if (!(n >= 0 && n <= 100))
    p.add(path, `expected a percentage as a string, e.g. "30", found ${JSON.stringify(v)}`);
}

function selectorSpec(p: Problems, path: string, s: unknown): undefined {
  if (!isObj(s)) return p.add(path, "required: an object saying which pods");
  unknownFields(p, path, s, "selector");
  if (
    s.namespaces !== undefined &&
    !(Array.isArray(s.namespaces) && s.namespaces.every((n) => dnsLabel(String(n))))
  )
    p.add(`${path}.namespaces`, "expected a list of namespace names");
  for (const key of ["labelSelectors", "annotationSelectors", "fieldSelectors"])
    if (s[key] !== undefined && !stringMap(s[key])) p.add(`${path}.${key}`, "expected a map of strings");
  if (s.expressionSelectors !== undefined) {
    if (!Array.isArray(s.expressionSelectors)) p.add(`${path}.expressionSelectors`, "expected a list");
    else
      for (const [i, e] of s.expressionSelectors.entries()) {
        const at = `${path}.expressionSelectors[${i}]`;
        if (!isObj(e) || typeof e.key !== "string") p.add(`${at}.key`, "required: a label key");
        else oneOf(p, `${at}.operator`, e.operator, ["In", "NotIn", "Exists", "DoesNotExist"]);
      }
  }
  // hivestorm's own rule: a selector that narrows nothing would hit every pod of the namespace.
  const narrowing = [
    "labelSelectors",
    "expressionSelectors",
    "annotationSelectors",
    "fieldSelectors",
    "pods",
    "nodes",
  ];
  if (!narrowing.some((k) => (Array.isArray(s[k]) ? s[k].length : isObj(s[k]) && Object.keys(s[k]).length)))
    p.add(path, `selects every pod of its namespaces: narrow it with one of ${narrowing.join(", ")}`);
}

function podSelector(p: Problems, path: string, s: Obj): undefined {
  const at = (k: string) => (path ? `${path}.${k}` : k);
  selectorSpec(p, at("selector"), s.selector);
  oneOf(p, at("mode"), s.mode, SELECTOR_MODES);
  if (s.mode === "fixed") {
    const n = typeof s.value === "string" && /^\d+$/.test(s.value) ? Number(s.value) : Number.NaN;
    if (!(n > 0))
      p.add(at("value"), `mode fixed needs a whole number > 0 as a string, found ${JSON.stringify(s.value)}`);
  } else if (s.mode === "fixed-percent" || s.mode === "random-max-percent") {
    const n = typeof s.value === "string" && /^\d+$/.test(s.value) ? Number(s.value) : Number.NaN;
    if (!(n > 0 && n <= 100))
      p.add(
        at("value"),
        `mode ${s.mode} needs a whole percentage in (0, 100] as a string, found ${JSON.stringify(s.value)}`,
      );
  }
}

/** A chaos spec; `embedded` (inside a Workflow template) forbids `duration`, as Chaos Mesh's webhook does. */
function chaosSpec(p: Problems, path: string, kind: ChaosKind, spec: unknown, embedded: boolean): undefined {
  if (!isObj(spec)) return p.add(path, `required: the ${kind} spec`);
  unknownFields(p, path, spec, kind);
  podSelector(p, path, spec);
  if (spec.duration !== undefined) {
    if (embedded)
      p.add(`${path}.duration`, "must not be set inside a Workflow: the template's deadline is the duration");
    else p.check(`${path}.duration`, goDurationProblem(spec.duration, { positive: true }));
  }
  if (kind === "NetworkChaos") networkSpec(p, path, spec);
  else if (kind === "PodChaos") podSpec(p, path, spec, embedded);
  else stressSpec(p, path, spec);
}

function networkSpec(p: Problems, path: string, s: Obj): undefined {
  oneOf(p, `${path}.action`, s.action, NETWORK_ACTIONS);
  oneOf(p, `${path}.direction`, s.direction, DIRECTIONS, false);
  if (s.target !== undefined) {
    if (isObj(s.target)) {
      unknownFields(p, `${path}.target`, s.target, "target");
      podSelector(p, `${path}.target`, s.target);
    } else p.add(`${path}.target`, "expected a pod selector");
  }
  const netem = s.action !== "partition";
  if (netem && (s.direction === "from" || s.direction === "both") && s.target === undefined)
    p.add(`${path}.direction`, `direction ${s.direction} needs a target for action ${String(s.action)}`);
  const sub = NETEM_SUBSPECS[s.action as keyof typeof NETEM_SUBSPECS];
  if (sub && !isObj(s[sub])) p.add(`${path}.${sub}`, `required for action ${String(s.action)}`);
  for (const sub of ["delay", "loss", "bandwidth"] as const)
    if (isObj(s[sub])) unknownFields(p, `${path}.${sub}`, s[sub] as Obj, sub);
  if (isObj(s.delay)) {
    p.check(`${path}.delay.latency`, singleUnitProblem(s.delay.latency));
    if (s.delay.jitter !== undefined) p.check(`${path}.delay.jitter`, singleUnitProblem(s.delay.jitter));
    percentString(p, `${path}.delay.correlation`, s.delay.correlation, false);
  }
  if (isObj(s.loss)) {
    percentString(p, `${path}.loss.loss`, s.loss.loss);
    percentString(p, `${path}.loss.correlation`, s.loss.correlation, false);
  }
  if (isObj(s.bandwidth)) {
    if (typeof s.bandwidth.rate !== "string" || !RATE.test(s.bandwidth.rate))
      p.add(
        `${path}.bandwidth.rate`,
        `expected a whole number and a unit (bit, kbit, ..., bps, kbps, ...), found ${JSON.stringify(s.bandwidth.rate)}`,
      );
    integer(p, `${path}.bandwidth.limit`, s.bandwidth.limit, 1, 2 ** 32 - 1);
    integer(p, `${path}.bandwidth.buffer`, s.bandwidth.buffer, 1, 2 ** 32 - 1);
  }
}

function podSpec(p: Problems, path: string, s: Obj, embedded: boolean): undefined {
  oneOf(p, `${path}.action`, s.action, POD_ACTIONS);
  integer(p, `${path}.gracePeriod`, s.gracePeriod, 0, Number.MAX_SAFE_INTEGER, false);
  if (s.action === "pod-failure" && !embedded && s.duration === undefined)
    p.add(`${path}.duration`, "required for action pod-failure");
  containerNames(p, path, s);
}

function containerNames(p: Problems, path: string, s: Obj): undefined {
  if (
    s.containerNames !== undefined &&
    !(Array.isArray(s.containerNames) && s.containerNames.every((c) => typeof c === "string" && dnsLabel(c)))
  )
    p.add(`${path}.containerNames`, "expected a list of container names");
}

function stressSpec(p: Problems, path: string, s: Obj): undefined {
  containerNames(p, path, s);
  const st = s.stressors;
  if (!isObj(st) || (st.cpu === undefined && st.memory === undefined))
    return p.add(`${path}.stressors`, "required: a cpu or memory stressor");
  unknownFields(p, `${path}.stressors`, st, "stressors");
  for (const key of ["cpu", "memory"] as const) {
    const x = st[key];
    if (x === undefined) continue;
    const at = `${path}.stressors.${key}`;
    if (!isObj(x)) {
      p.add(at, "expected an object");
      continue;
    }
    unknownFields(p, at, x, key);
    integer(p, `${at}.workers`, x.workers, 1, 8192);
    if (
      x.options !== undefined &&
      !(Array.isArray(x.options) && x.options.every((o) => typeof o === "string"))
    )
      p.add(`${at}.options`, "expected a list of strings");
    if (key === "cpu") integer(p, `${at}.load`, x.load, 0, 100, false);
    else {
      integer(p, `${at}.oomScoreAdj`, x.oomScoreAdj, -1000, 1000, false);
      if (x.size !== undefined) {
        const size = String(x.size);
        const ok =
          typeof x.size === "string" &&
          (size.endsWith("%")
            ? /^\d+%$/.test(size) && Number(size.slice(0, -1)) <= 100
            : HUMAN_SIZE.test(size));
        if (!ok)
          p.add(
            `${at}.size`,
            `expected a size such as "256MB" or a percentage such as "50%", found ${JSON.stringify(x.size)}`,
          );
      }
    }
  }
}

function workflow(p: Problems, path: string, spec: unknown): undefined {
  if (!isObj(spec)) return p.add(path, "required: entry and templates");
  unknownFields(p, path, spec, "workflowSpec");
  const templates = spec.templates;
  if (!Array.isArray(templates) || templates.length === 0)
    return p.add(`${path}.templates`, "required: at least one template");
  const names = new Set<string>();
  templates.forEach((t, i) => {
    const name = isObj(t) ? t.name : undefined;
    if (typeof name === "string" && names.has(name))
      p.add(`${path}.templates[${i}].name`, `duplicate template name ${name}`);
    if (typeof name === "string") names.add(name);
  });
  if (typeof spec.entry !== "string" || !names.has(spec.entry))
    p.add(`${path}.entry`, `expected the name of a template, found ${JSON.stringify(spec.entry)}`);
  for (const [i, t] of templates.entries()) template(p, `${path}.templates[${i}]`, t, names);
}

function template(p: Problems, path: string, t: unknown, names: Set<string>): undefined {
  if (!isObj(t)) return p.add(path, "expected an object");
  unknownFields(p, path, t, "template");
  if (typeof t.name !== "string" || t.name.length > 253 || !DNS_SUBDOMAIN.test(t.name))
    p.add(`${path}.name`, `expected a DNS-1123 subdomain, found ${JSON.stringify(t.name)}`);
  oneOf(p, `${path}.templateType`, t.templateType, TEMPLATE_TYPES);
  if (t.deadline !== undefined)
    p.check(`${path}.deadline`, goDurationProblem(t.deadline, { positive: true }));
  const type = t.templateType as string;
  const embeds = Object.values(EMBED_KEYS).filter((k) => t[k] !== undefined);
  if (type === "Suspend" && t.deadline === undefined)
    p.add(`${path}.deadline`, "required for a Suspend template");
  if (type === "Serial" || type === "Parallel") {
    if (!Array.isArray(t.children) || t.children.length === 0)
      p.add(`${path}.children`, `required: the templates a ${type} runs`);
    else
      t.children.forEach((c, j) => {
        if (!names.has(c as string))
          p.add(`${path}.children[${j}]`, `no template named ${JSON.stringify(c)}`);
      });
  } else if (t.children !== undefined)
    p.add(`${path}.children`, `only Serial and Parallel templates have children`);
  if (CHAOS_KINDS.includes(type as ChaosKind)) {
    const key = EMBED_KEYS[type as ChaosKind];
    if (t.deadline === undefined) p.add(`${path}.deadline`, "required: how long the chaos is injected");
    for (const k of embeds) if (k !== key) p.add(`${path}.${k}`, `not allowed in a ${type} template`);
    chaosSpec(p, `${path}.${key}`, type as ChaosKind, t[key], true);
  } else for (const k of embeds) p.add(`${path}.${k}`, `not allowed in a ${type} template`);
}

import assert from "node:assert/strict";
import { test } from "node:test";
import { parseXml } from "./xml-parse.ts";

// The checker the report tests rely on must itself reject what is not well-formed.
test("the test XML reader accepts well-formed XML and rejects the rest", () => {
  const doc = parseXml('<?xml version="1.0"?><a x="1 &amp; 2"><b/>t &lt; u<c y=\'&#10;\'></c></a>');
  assert.equal(doc.attributes.x, "1 & 2");
  assert.equal(doc.children.length, 2);
  assert.equal(doc.text, "t < u");
  assert.equal(doc.children[1].attributes.y, "\n");
  for (const bad of [
    "<a><b></a>",
    "<a>&nbsp;</a>",
    "<a x=1></a>",
    '<a x="1" x="2"/>',
    "<a>1 < 2</a>",
    "<a>",
    "<a/><b/>",
    "<a>&amp</a>",
  ])
    assert.throws(() => parseXml(bad), Error, bad);
});

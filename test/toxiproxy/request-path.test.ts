// The request path as Go's net/http and gorilla/mux read it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cleanPath, requestPath } from "../../sdk/toxiproxy/request-path.ts";

test("paths are cleaned as gorilla/mux does, keeping a trailing slash", () => {
  assert.equal(cleanPath(""), "/");
  assert.equal(cleanPath("//proxies"), "/proxies");
  assert.equal(cleanPath("/proxies/"), "/proxies/");
  assert.equal(cleanPath("/a/../proxies/./p"), "/proxies/p");
  assert.equal(cleanPath("/../.."), "/");
});

test("an unclean path is a 301 to its clean form, escaped as Go escapes a path, query kept", () => {
  assert.deepEqual(requestPath("//proxies?x=1"), { kind: "redirect", location: "/proxies?x=1" });
  assert.deepEqual(requestPath("/proxies/a%20b/../c%21"), { kind: "redirect", location: "/proxies/c%21" });
  assert.deepEqual(requestPath("/proxies//a b"), { kind: "redirect", location: "/proxies/a%20b" });
  assert.deepEqual(requestPath("http://h:1//version"), { kind: "redirect", location: "/version" });
});

test("escapes are decoded strictly: a bad one is Go's 400", () => {
  assert.deepEqual(requestPath("/proxies/a%20b"), { kind: "path", path: "/proxies/a b" });
  assert.deepEqual(requestPath("/proxies/%E2%9C%93"), { kind: "path", path: "/proxies/✓" });
  assert.deepEqual(requestPath("/proxies/%zz"), { kind: "bad-request" });
  assert.deepEqual(requestPath("/proxies/%2"), { kind: "bad-request" });
});

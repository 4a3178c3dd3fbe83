// Deterministic fake tokens: the same prompt gives the same text, so a test can compare two answers.
const WORDS = [
  "the",
  "hive",
  "routes",
  "every",
  "request",
  "to",
  "a",
  "ready",
  "worker",
  "and",
  "tokens",
  "stream",
  "back",
  "through",
  "queen",
  "while",
  "bees",
  "keep",
  "working",
  "under",
  "load",
  "chaos",
  "is",
  "fine",
];

export function tokenAt(prompt: string, index: number): string {
  let h = 2166136261;
  for (let i = 0; i < prompt.length; i++) h = Math.imul(h ^ prompt.charCodeAt(i), 16777619);
  h = Math.imul(h ^ index, 16777619) >>> 0;
  return `${index === 0 ? "" : " "}${WORDS[h % WORDS.length]}`;
}

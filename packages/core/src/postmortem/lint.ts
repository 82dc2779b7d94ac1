import type { LintFinding, LintRule } from "./types";

/**
 * Blameless-language lint. It flags wording that assigns blame and suggests a rewording. Findings
 * are advice: they go into the metadata and never block a draft.
 *
 * Rules (decisions, tested both ways in lint.test.ts):
 * - `human-error`: "human error". Always flagged: it names a person as the cause and ends the inquiry.
 * - `fault`: "X's fault", "my/our/their … fault", "at fault", "to blame", "blame(d)". Technical
 *   compounds are NOT blame: "fault tolerance", "fault-tolerant", "fault injection", "fault domain"…
 * - `should-have`: "should have", "should not have", "shouldn't have", "should've" (hindsight).
 * - `judgement`: "careless", "negligent", "sloppy", "reckless", "incompetent" (and their forms).
 * - `failed-to`: "failed to" only when its subject is a person: a pronoun (I, we, he, she, they,
 *   someone…) or a people noun (engineer, operator, on-call, IC, team…). "The health check failed
 *   to respond" describes a system and is NOT flagged: systems failing is what a postmortem is about.
 * - `person-failure`: a responder's name (full or first name, taken from the timeline) as the
 *   subject of a failure verb: "Bob broke prod", "Alice forgot to …", "Bob's deploy broke …",
 *   "Carol then failed to …". A name after a preposition is not a subject: "page to Bob failed"
 *   is not flagged. Names match case-sensitively, so "will" is not the responder "Will".
 *
 * Not linted (other people's words, or machine text): YAML front matter, fenced code blocks,
 * inline code spans (alarm names, ARNs and reasons are rendered as code) and text in double
 * quotes ("…" or “…”), e.g. a quoted alarm reason saying "should have been below 300 ms".
 *
 * Cost is linear in the text: the rule expressions are compiled once per module, the names
 * expression once per `createLinter` call, and each line is scanned once per rule.
 */

/** A finding within one line (0-based, end exclusive). */
export interface LintHit {
  rule: LintRule;
  start: number;
  end: number;
  message: string;
  suggestion: string;
}

const SUGGESTIONS: Record<LintRule, string> = {
  "human-error":
    'Describe the action and the conditions that allowed it, e.g. "the command ran against production because the tool defaulted to it".',
  fault: "Drop the attribution: describe what happened and what in the system allowed it.",
  "should-have":
    'Replace hindsight with what would help next time, e.g. "a pre-deploy check would catch this" (and make it an action item).',
  judgement:
    "Describe the circumstances (time pressure, a missing guardrail, an unclear runbook) instead of judging a person.",
  "failed-to":
    'Say what did not happen and why, e.g. "the page was not acknowledged for 20 minutes because the phone was on silent".',
  "person-failure":
    'Make the action or system the subject, e.g. "the deploy of v42 broke checkout" instead of "<name> broke checkout".',
};

const HUMAN_ERROR = /\bhuman[\s-]+errors?\b/gi;
const FAULT =
  /\b(?:[\p{L}\p{N}_-]+['’]s|my|his|her|their|your|our)\s+(?:fault|mistake)\b(?![\s‐-]*(?:toleran\w*|injection|injector|domains?|isolation|lines?|detection|handl\w*|codes?|zones?|trees?|models?|conditions?|paths?|reports?|logs?|types?|classes?|ids?)\b)|\bat\s+fault\b|\bto\s+blame\b|\bblam(?:e|ed|es|ing)\b/giu;
const SHOULD_HAVE = /\bshould(?:n['’]t|\s+not)?\s+have\b|\bshould['’]ve\b/gi;
const JUDGEMENT =
  /\b(?:careless(?:ly|ness)?|negligen(?:t|tly|ce)|sloppy|sloppily|sloppiness|reckless(?:ly|ness)?|incompeten(?:t|tly|ce))\b/gi;
const FAILED_TO = /\bfailed\s+to\b/gi;
const TRIGGERS = /human|fault|mistake|blam|should|careless|negligen|slopp|reckless|incompeten|failed/i;
const JUDGEMENT_STEMS = ["careless", "negligen", "slopp", "reckless", "incompeten"];

const FAILURE_VERBS =
  "broke|breaks|forgot|forgets|forgotten|missed|misses|neglected|neglects|ignored|ignores|failed|fails|overlooked|botched|messed\\s+up|screwed\\s+up|caused|causes|didn['’]t|did\\s+not|should(?:n['’]t|\\s+not)?\\s+have|mistakenly|accidentally|carelessly|wrongly";

/** Words that make "X failed to" about a person. */
const PERSON_WORDS = new Set([
  "i",
  "we",
  "you",
  "he",
  "she",
  "they",
  "someone",
  "somebody",
  "anyone",
  "anybody",
  "nobody",
  "everyone",
  "everybody",
  "one",
  "engineer",
  "engineers",
  "operator",
  "operators",
  "developer",
  "developers",
  "dev",
  "devs",
  "oncall",
  "on-call",
  "responder",
  "responders",
  "reviewer",
  "reviewers",
  "deployer",
  "admin",
  "admins",
  "administrator",
  "administrators",
  "team",
  "ic",
  "commander",
  "human",
  "humans",
  "person",
  "people",
  "staff",
  "sre",
  "sres",
  "author",
  "owner",
]);

/** Words skipped when looking back for the subject of "failed to". */
const FILLERS = new Set([
  "also",
  "then",
  "just",
  "again",
  "had",
  "has",
  "have",
  "all",
  "both",
  "still",
  "once",
]);

/** A name after one of these is an object, not a subject ("page to Bob failed"). */
const PREPOSITIONS = new Set([
  "to",
  "for",
  "with",
  "by",
  "from",
  "of",
  "on",
  "at",
  "about",
  "via",
  "paging",
  "paged",
  "page",
  "notified",
  "notify",
  "called",
  "pinged",
  "ping",
  "cc",
  "thanks",
  "thank",
  "assigned",
]);

const WORD_BEFORE = /([\p{L}\p{N}_'’-]+)[^\p{L}\p{N}_'’-]*$/u;
const CLAUSE_BREAK = /[.;:!?,()]/;

const WORDS = /[\p{L}\p{N}_'’-]+/gu;

/**
 * The subject of a verb at `index`: the last word of the clause before it, skipping fillers
 * ("then", "also", "had") and adverbs ("-ly").
 */
function subjectBefore(line: string, index: number): { word: string; start: number } | undefined {
  const from = Math.max(0, index - 120);
  let clauseStart = from;
  for (let k = index - 1; k >= from; k--) {
    if (CLAUSE_BREAK.test(line[k]!)) {
      clauseStart = k + 1;
      break;
    }
  }
  const head = line.slice(clauseStart, index);
  const words: { word: string; start: number }[] = [];
  WORDS.lastIndex = 0;
  for (let w = WORDS.exec(head); w !== null; w = WORDS.exec(head)) {
    words.push({ word: w[0], start: clauseStart + w.index });
  }
  for (let k = words.length - 1; k >= 0; k--) {
    const w = words[k]!;
    const lower = w.word.toLowerCase();
    if (FILLERS.has(lower) || (lower.endsWith("ly") && lower.length > 3)) continue;
    return w;
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The word right before `index` in `text`, or undefined at the start. */
function wordBefore(text: string, index: number): string | undefined {
  const m = WORD_BEFORE.exec(text.slice(Math.max(0, index - 64), index));
  return m?.[1];
}

/**
 * Masks what is not linted, keeping positions: code spans (a run of n backticks up to the next
 * run of exactly n) and double-quoted text become spaces.
 */
export function maskQuotedAndCode(line: string): string {
  // Fast path: nothing to mask.
  if (line.indexOf("`") === -1 && line.indexOf('"') === -1 && line.indexOf("“") === -1) return line;
  let out = "";
  let copied = 0;
  const blank = (from: number, to: number) => {
    out += line.slice(copied, from) + " ".repeat(to - from);
    copied = to;
  };
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 96 /* ` */) {
      let j = i;
      while (j < n && line.charCodeAt(j) === 96) j++;
      const runLength = j - i;
      // Find the closing run of exactly `runLength` backticks.
      let k = j;
      let close = -1;
      while (k < n) {
        if (line.charCodeAt(k) === 96) {
          let e = k;
          while (e < n && line.charCodeAt(e) === 96) e++;
          if (e - k === runLength) {
            close = k;
            break;
          }
          k = e;
        } else k++;
      }
      if (close === -1) {
        i = j;
        continue;
      }
      blank(i, close + runLength);
      i = close + runLength;
      continue;
    }
    if (c === 34 /* " */ || c === 0x201c /* “ */) {
      const closer = c === 34 ? '"' : "”";
      const end = line.indexOf(closer, i + 1);
      if (end === -1) {
        i++;
        continue;
      }
      blank(i, end + 1);
      i = end + 1;
      continue;
    }
    i++;
  }
  return copied === 0 ? line : out + line.slice(copied);
}

export interface LintOptions {
  /** People's names known from the timeline (responders, actors). First names are derived. */
  names?: Iterable<string>;
}

export interface Linter {
  /** Lints one line (already masked or not: it masks itself). Positions are 0-based. */
  lintLine(line: string): LintHit[];
  /** Lints a Markdown document: front matter and fenced code are skipped; sections are tracked. */
  lintMarkdown(markdown: string): LintFinding[];
  /** As `lintMarkdown`, for a document already split into lines. */
  lintLines(lines: readonly string[]): LintFinding[];
}

/** Full names and their first names, longest first; only names with a letter and ≥ 2 characters. */
export function nameVariants(names: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const raw of names) {
    const name = raw.replace(/\s+/g, " ").trim();
    if (name.length < 2 || !/\p{L}/u.test(name)) continue;
    out.add(name);
    const first = name.split(" ")[0];
    if (first && first !== name && first.length >= 2 && /^\p{Lu}/u.test(first)) out.add(first);
  }
  return [...out].sort((a, b) => b.length - a.length || a.localeCompare(b));
}

function run(re: RegExp, text: string, each: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    each(m);
  }
}

export function createLinter(options: LintOptions = {}): Linter {
  const names = nameVariants(options.names ?? []);
  const nameSet = new Set(names);
  const personFailure =
    names.length === 0
      ? undefined
      : new RegExp(
          `(?<![\\p{L}\\p{N}_])(${names.map(escapeRegExp).join("|")})(?:['’]s\\s+[\\p{L}\\p{N}_-]+)?(?:\\s+\\p{L}+ly)?\\s+(?:${FAILURE_VERBS})(?![\\p{L}\\p{N}_])`,
          "gu",
        );

  const lintLine = (raw: string): LintHit[] => {
    const line = maskQuotedAndCode(raw);
    const hits: LintHit[] = [];
    const add = (rule: LintRule, start: number, end: number, message: string) =>
      hits.push({ rule, start, end, message, suggestion: SUGGESTIONS[rule] });

    // Cheap checks first: most lines contain none of the trigger words.
    const lower = TRIGGERS.test(line) ? line.toLowerCase() : "";
    if (lower.includes("human")) {
      run(HUMAN_ERROR, line, (m) =>
        add("human-error", m.index, m.index + m[0].length, `"${m[0]}" attributes the incident to a person`),
      );
    }
    if (lower.includes("fault") || lower.includes("mistake") || lower.includes("blam")) {
      run(FAULT, line, (m) => add("fault", m.index, m.index + m[0].length, `"${m[0]}" assigns blame`));
    }
    if (lower.includes("should")) {
      run(SHOULD_HAVE, line, (m) =>
        add("should-have", m.index, m.index + m[0].length, `"${m[0]}" is hindsight judgement`),
      );
    }
    if (JUDGEMENT_STEMS.some((stem) => lower.includes(stem))) {
      run(JUDGEMENT, line, (m) =>
        add("judgement", m.index, m.index + m[0].length, `"${m[0]}" judges a person's conduct`),
      );
    }
    if (personFailure) {
      run(personFailure, line, (m) => {
        const before = wordBefore(line, m.index)?.toLowerCase();
        if (before && PREPOSITIONS.has(before)) return;
        add(
          "person-failure",
          m.index,
          m.index + m[0].length,
          `"${m[0]}" makes a person (${m[1]}) the subject of a failure`,
        );
      });
    }
    if (lower.includes("failed"))
      run(FAILED_TO, line, (m) => {
        const subject = subjectBefore(line, m.index);
        if (!subject) return;
        const bare = subject.word.replace(/['’]s$/, "");
        const before = wordBefore(line, subject.start)?.toLowerCase();
        const isName =
          nameSet.has(bare) ||
          names.some((n) => n.endsWith(` ${bare}`) && line.slice(0, m.index).includes(n));
        if (isName && !(before && PREPOSITIONS.has(before))) {
          add(
            "person-failure",
            subject.start,
            m.index + m[0].length,
            `"${bare} … failed to" makes a person the subject of a failure`,
          );
        } else if (PERSON_WORDS.has(bare.toLowerCase())) {
          add(
            "failed-to",
            subject.start,
            m.index + m[0].length,
            `"${subject.word} … failed to" frames a person's action as a failure`,
          );
        }
      });
    if (hits.length < 2) return hits;
    // One finding per stretch of text: keep the earliest (then longest) of overlapping hits.
    hits.sort((a, b) => a.start - b.start || b.end - a.end);
    const kept: LintHit[] = [];
    for (const h of hits) {
      const last = kept[kept.length - 1];
      if (last && h.start < last.end) continue;
      kept.push(h);
    }
    return kept;
  };

  const lintLines = (lines: readonly string[]): LintFinding[] => {
    const findings: LintFinding[] = [];
    let i = 0;
    // YAML front matter: machine data, not prose.
    if (lines[0]?.trimEnd() === "---") {
      for (let k = 1; k < lines.length; k++) {
        const l = lines[k]!.trimEnd();
        if (l === "---" || l === "...") {
          i = k + 1;
          break;
        }
      }
    }
    let section: string | null = null;
    let fence: { char: string; length: number } | undefined;
    for (; i < lines.length; i++) {
      const line = lines[i]!.replace(/\r$/, "");
      const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (fence) {
        if (fenceMatch?.[1] && fenceMatch[1][0] === fence.char && fenceMatch[1].length >= fence.length) {
          fence = undefined;
        }
        continue;
      }
      if (fenceMatch?.[1]) {
        fence = { char: fenceMatch[1][0]!, length: fenceMatch[1].length };
        continue;
      }
      const heading = /^ {0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$/.exec(line);
      if (heading) section = heading[1] ?? "";
      for (const hit of lintLine(line)) {
        findings.push({
          rule: hit.rule,
          match: line.slice(hit.start, hit.end),
          message: hit.message,
          suggestion: hit.suggestion,
          line: i + 1,
          column: hit.start + 1,
          section,
        });
      }
    }
    return findings;
  };

  const lintMarkdown = (markdown: string) => lintLines(markdown.split("\n"));

  return { lintLine, lintMarkdown, lintLines };
}

/** Lints a Markdown document (or plain text) for blame language. */
export function lintMarkdown(markdown: string, options: LintOptions = {}): LintFinding[] {
  return createLinter(options).lintMarkdown(markdown);
}

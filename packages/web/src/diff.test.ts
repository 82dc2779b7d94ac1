import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DiffLine, diffLines, diffStats, splitLines, withContext } from "./diff";

const show = (diff: DiffLine[]) => diff.map((l) => `${{ same: " ", add: "+", del: "-" }[l.op]}${l.text}`);

/** The LCS length by the textbook recurrence (small inputs only). */
function lcsLength(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
  return t[a.length]![b.length]!;
}

describe("diffLines", () => {
  it("is empty of changes for equal texts, and numbers the lines", () => {
    const diff = diffLines("a\nb\n", "a\nb");
    expect(show(diff)).toEqual([" a", " b"]);
    expect(diff[1]).toMatchObject({ oldLine: 2, newLine: 2 });
    expect(withContext(diff)).toEqual([]);
    expect(diffLines("", "")).toEqual([]);
  });

  it("shows an edited line as removed then added, keeping the lines around it", () => {
    const diff = diffLines(
      "# T\n\nThe deploy broke it.\n\n## Next",
      "# T\n\nThe deploy of v42 broke checkout.\n\n## Next",
    );
    expect(show(diff)).toEqual([
      " # T",
      " ",
      "-The deploy broke it.",
      "+The deploy of v42 broke checkout.",
      " ",
      " ## Next",
    ]);
    expect(diff[2]).toMatchObject({ op: "del", oldLine: 3 });
    expect(diff[3]).toMatchObject({ op: "add", newLine: 3 });
    expect(diffStats(diff)).toEqual({ added: 1, removed: 1 });
  });

  it("finds a longest common subsequence in the middle (insertions and deletions apart)", () => {
    expect(show(diffLines("a\nb\nc\nd\ne", "a\nc\nd\nx\ne"))).toEqual([" a", "-b", " c", " d", "+x", " e"]);
    expect(show(diffLines("", "one\ntwo"))).toEqual(["+one", "+two"]);
    expect(show(diffLines("one\ntwo", ""))).toEqual(["-one", "-two"]);
  });

  it("numbers the lines after an insertion in both texts", () => {
    const diff = diffLines("a\nb\nc", "a\nnew\nb\nc");
    expect(diff.at(-1)).toEqual({ op: "same", text: "c", oldLine: 3, newLine: 4 });
  });

  it("treats CRLF and LF alike", () => {
    expect(diffStats(diffLines("a\r\nb\r\n", "a\nb\n"))).toEqual({ added: 0, removed: 0 });
    expect(splitLines("a\r\nb")).toEqual(["a", "b"]);
  });

  it("falls back to remove-all, add-all past its memory bound, still correct", () => {
    const diff = diffLines("x\na\nb\ny", "x\nb\na\ny", 4);
    expect(show(diff)).toEqual([" x", "-a", "-b", "+b", "+a", " y"]);
  });

  it("a few thousand lines with a few edits is quick", () => {
    const before = Array.from({ length: 3000 }, (_, i) => `line ${i}`);
    const after = [...before];
    after[10] = "changed";
    after.splice(1500, 0, "inserted");
    after.splice(2900, 1);
    const started = performance.now();
    const stats = diffStats(diffLines(before.join("\n"), after.join("\n")));
    expect(stats).toEqual({ added: 2, removed: 2 });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("property: the old lines are the same+del lines, the new lines the same+add lines, and it keeps an LCS", () => {
    const doc = fc.array(fc.constantFrom("a", "b", "c", "", "# h", "- x"), { maxLength: 14 });
    fc.assert(
      fc.property(doc, doc, (a, b) => {
        const before = a.join("\n");
        const after = b.join("\n");
        const diff = diffLines(before, after);
        const olds = diff.filter((l) => l.op !== "add").map((l) => l.text);
        const news = diff.filter((l) => l.op !== "del").map((l) => l.text);
        expect(olds).toEqual(splitLines(before));
        expect(news).toEqual(splitLines(after));
        expect(diff.filter((l) => l.op === "same")).toHaveLength(
          lcsLength(splitLines(before), splitLines(after)),
        );
        for (const l of diff) {
          if (l.oldLine !== undefined) expect(splitLines(before)[l.oldLine - 1]).toBe(l.text);
          if (l.newLine !== undefined) expect(splitLines(after)[l.newLine - 1]).toBe(l.text);
        }
      }),
    );
  });
});

describe("withContext", () => {
  it("keeps two unchanged lines around each change and folds the rest into gaps", () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i + 1}`);
    const after = [...before];
    after[9] = "changed";
    const shown = withContext(diffLines(before.join("\n"), after.join("\n")));
    expect(shown[0]).toEqual({ op: "gap", lines: 7 });
    expect(shown.slice(1, -1).map((l) => ("text" in l ? l.text : "gap"))).toEqual([
      "l8",
      "l9",
      "l10",
      "changed",
      "l11",
      "l12",
    ]);
    expect(shown.at(-1)).toEqual({ op: "gap", lines: 8 });
  });
});

/**
 * A line diff (longest common subsequence), for postmortem versions: what a version changed, and
 * on a 409 what changed on the server since the editor loaded it. Pure, no DOM.
 *
 * The common head and tail are taken off first (an edit usually touches a few lines of a long
 * document), then the middle gets a shortest edit script (Myers' O((N+M)·D) algorithm: its unchanged
 * lines are a longest common subsequence), which is quick when the versions differ in a few places
 * however long they are. When they differ in very many (D² > MAX_CELLS, the snapshots kept to
 * trace the script back), the middle is shown as all removed, then all added: correct, only
 * less precise.
 */

export type DiffOp = "same" | "add" | "del";

export interface DiffLine {
  op: DiffOp;
  text: string;
  /** 1-based line number in the old text (same, del). */
  oldLine?: number;
  /** 1-based line number in the new text (same, add). */
  newLine?: number;
}

/** At most this many numbers are kept to trace the edit script back: 4 M ≈ 16 MB, D ≤ 2000 changes. */
export const MAX_CELLS = 4_000_000;

type Step = [op: DiffOp, oldIndex: number, newIndex: number];

/**
 * Myers' greedy shortest edit script of `a` → `b` (both non-empty), or null past `maxCells`. Each
 * round d keeps a snapshot of the furthest x reached on the diagonals -d..d, to walk back from the end.
 */
function shortestEdit(a: readonly string[], b: readonly string[], maxCells: number): Step[] | null {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let cells = 0;
  let end = -1;
  for (let d = 0; d <= max && end < 0; d++) {
    cells += 2 * d + 3;
    if (cells > maxCells) return null;
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
          ? v[offset + k + 1]!
          : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        end = d;
        break;
      }
    }
  }
  const steps: Step[] = [];
  let x = n;
  let y = m;
  for (let d = end; d > 0; d--) {
    const snap = trace[d]!;
    const at = (k: number) => snap[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) steps.push(["same", --x, --y]);
    if (x === prevX) steps.push(["add", x, --y]);
    else steps.push(["del", --x, y]);
  }
  while (x > 0 && y > 0) steps.push(["same", --x, --y]);
  return steps.reverse();
}

export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  // A final newline ends the last line; it does not start an empty one.
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** The line diff of `before` → `after`, in order: unchanged, removed (del) and added lines. */
export function diffLines(before: string, after: string, maxCells = MAX_CELLS): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;

  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ op: "same", text: a[i]!, oldLine: i + 1, newLine: i + 1 });

  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const n = am.length;
  const m = bm.length;
  const del = (i: number) => out.push({ op: "del", text: am[i]!, oldLine: head + i + 1 });
  const add = (j: number) => out.push({ op: "add", text: bm[j]!, newLine: head + j + 1 });

  const script = n === 0 || m === 0 ? null : shortestEdit(am, bm, maxCells);
  if (!script) {
    for (let i = 0; i < n; i++) del(i);
    for (let j = 0; j < m; j++) add(j);
  } else {
    for (const [op, i, j] of script) {
      if (op === "same") out.push({ op, text: am[i]!, oldLine: head + i + 1, newLine: head + j + 1 });
      else if (op === "del") del(i);
      else add(j);
    }
  }

  const shift = b.length - a.length;
  for (let k = a.length - tail; k < a.length; k++)
    out.push({ op: "same", text: a[k]!, oldLine: k + 1, newLine: k + 1 + shift });
  return out;
}

/** Counts of added and removed lines. */
export function diffStats(diff: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff) {
    if (line.op === "add") added++;
    else if (line.op === "del") removed++;
  }
  return { added, removed };
}

/** A run of unchanged lines left out of a shown diff. */
export interface DiffGap {
  op: "gap";
  lines: number;
}

/**
 * The changed lines with `context` unchanged lines around each change; longer unchanged runs are
 * folded into a gap ("… n unchanged lines"). No changes → [].
 */
export function withContext(diff: readonly DiffLine[], context = 2): (DiffLine | DiffGap)[] {
  const keep = new Uint8Array(diff.length);
  let any = false;
  diff.forEach((line, k) => {
    if (line.op === "same") return;
    any = true;
    for (let c = Math.max(0, k - context); c <= Math.min(diff.length - 1, k + context); c++) keep[c] = 1;
  });
  if (!any) return [];
  const out: (DiffLine | DiffGap)[] = [];
  let skipped = 0;
  diff.forEach((line, k) => {
    if (keep[k]) {
      if (skipped) out.push({ op: "gap", lines: skipped });
      skipped = 0;
      out.push(line);
    } else skipped++;
  });
  if (skipped) out.push({ op: "gap", lines: skipped });
  return out;
}

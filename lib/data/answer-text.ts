/**
 * GT answer strings come in four shapes (rarft-reference §3.1–3.2): `<answer>…</answer>` (HI files),
 * `<answer>…</answer><correct>…</correct>` (human-anno), "" (SS-Charades, 20 human-anno answerables) and untagged text
 * (SS-QVHighlights refusals). One human-anno refusal closes `<answer>` with `</correct>`. The verbatim string stays the
 * item's `answer` (the evaluator's GT cleaning depends on it); this parse gives the parts for code that needs them.
 */
export interface ParsedGtAnswer {
  /** The text inside `<answer>`, or the whole string when untagged; trimmed. */
  body: string;
  /** The text inside `<correct>…</correct>`; null when there is no such block. */
  correction: string | null;
  /** False for untagged and empty strings. */
  tagged: boolean;
  /** `<answer>` closed by something other than `</answer>` (or not closed). */
  malformed: boolean;
}

const CORRECT_BLOCK = /<correct>([\s\S]*?)<\/correct>/;

export function parseGtAnswer(raw: string): ParsedGtAnswer {
  const open = raw.indexOf('<answer>');
  const correctionMatch = CORRECT_BLOCK.exec(raw);
  const correction = correctionMatch ? correctionMatch[1]!.trim() : null;
  if (open < 0) return { body: raw.trim(), correction, tagged: false, malformed: false };
  const from = open + '<answer>'.length;
  const close = raw.indexOf('</answer>', from);
  if (close >= 0) return { body: raw.slice(from, close).trim(), correction, tagged: true, malformed: false };
  // Malformed: take the text up to the next closing tag of any kind, or to the end.
  const anyClose = raw.slice(from).search(/<\/[A-Za-z_]+>/);
  const body = anyClose >= 0 ? raw.slice(from, from + anyClose) : raw.slice(from);
  return { body: body.trim(), correction, tagged: true, malformed: true };
}

/** The reference's answerable GT text: the span as Python's `str(round(x, 1))` prints it. */
export function formatSpanAnswer(start: number, end: number): string {
  return `<answer>${pythonRound1(start)} to ${pythonRound1(end)}</answer>`;
}

/**
 * Python's `round(x, 1)` printed with one decimal. `toFixed(1)` also rounds the exact binary value, but breaks exact
 * ties upward while Python rounds them to even (round(19.25, 1) = 19.2; toFixed gives 19.3). An exact tie at one
 * decimal is x = m/4 with m odd (fraction .25 or .75); multiplying by 2 or 4 is exact, so the test below is exact.
 */
export function pythonRound1(x: number): string {
  const isTie = Number.isInteger(x * 4) && !Number.isInteger(x * 2);
  if (!isTie) return x.toFixed(1);
  const down = Math.floor(x * 10) / 10;
  const up = Math.ceil(x * 10) / 10;
  const downDigit = Math.round(Math.abs(down) * 10) % 2;
  return (downDigit === 0 ? down : up).toFixed(1);
}

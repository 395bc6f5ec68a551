// The server limits text by characters (code points), not by UTF-16 units or bytes: an
// emoji is one character. Counters in the console count the same way.
export function countChars(text: string): number {
  return [...text].length;
}

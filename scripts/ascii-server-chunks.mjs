// Run after `next build` (package.json's build, scripts/run.sh, the Dockerfile, test-all, bench:server):
// rewrites the server's JavaScript output ASCII-only, each non-ASCII UTF-16 unit as `\uXXXX`.
// Why (issue 18): V8 keeps the source text of every loaded chunk in the heap, and a file with a
// single non-ASCII character (a '…' in a message, a Unicode range in a library's regex) is held
// as a two-byte string. After a tour of the pages 10.8 MB of the 12.9 MB of chunk sources were
// two-byte; ASCII-only they are half that. An escape means the same as the character in string,
// regex and template literals, identifiers and comments (a tagged template's raw text, as
// String.raw reads it, would hold the escape instead). Files holding U+2028/U+2029 (line
// terminators, which end a `//` comment) are left as they are, and so is any file that stops
// parsing once rewritten (a non-ASCII space between tokens, a byte-order mark).
//   node scripts/ascii-server-chunks.mjs [distDir]     default: $NEXT_DIST_DIR or .next
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

/** `text` with every non-ASCII UTF-16 code unit escaped, or null when that could change its meaning. */
export function asciiOnly(text) {
  if (/[\u2028\u2029]/.test(text)) return null;
  const out = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  try {
    new vm.Script(out);
  } catch {
    return null;
  }
  return out;
}

/** Rewrites the .js files under `dir` (recursively); returns how many were rewritten and left. */
export function rewriteTree(dir) {
  const counts = { rewritten: 0, left: 0 };
  if (!fs.existsSync(dir)) return counts;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = fs.readFileSync(file, 'utf8');
    if (!/[^\x00-\x7f]/.test(text)) continue;
    const out = asciiOnly(text);
    if (out === null) {
      counts.left++;
      continue;
    }
    // Same-directory temp file and rename: a server reading the build never sees half a file.
    const tmp = `${file}.ascii-tmp`;
    fs.writeFileSync(tmp, out);
    fs.renameSync(tmp, file);
    counts.rewritten++;
  }
  return counts;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = process.argv[2] || process.env.NEXT_DIST_DIR || '.next';
  // The standalone output (OPSDECK_STANDALONE=1) holds its own copy of the server files.
  for (const dir of [path.join(dist, 'server'), path.join(dist, 'standalone', dist, 'server')]) {
    const { rewritten, left } = rewriteTree(dir);
    if (rewritten || left) console.log(`[ascii-server-chunks] ${dir}: ${rewritten} file(s) rewritten ASCII-only, ${left} left as they were`);
  }
}

// SPDX-License-Identifier: MIT OR Apache-2.0
// `npm pack` (prepack): copies the prover's sources from the repository into ./peregrine, so that
// the tarball builds on its own; with --clean (postpack) removes the copy again. nlohmann/json
// (header-only, MIT) is bundled as well when the system has it, so that installing the tarball
// needs only a C++ compiler and CMake.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const pkg = path.resolve(__dirname, '..');
// The repository: two levels up, or PEREGRINE_ROOT when packing a copy of this directory.
const root = path.resolve(process.env.PEREGRINE_ROOT || path.join(pkg, '..', '..'));
const out = path.join(pkg, 'peregrine');

if (process.argv.includes('--clean')) {
  fs.rmSync(out, { recursive: true, force: true });
  process.exit(0);
}
if (!fs.existsSync(path.join(root, 'src', 'groth16', 'prover.hpp'))) {
  console.error(`bundle-sources: ${root}/src is not Peregrine's source tree; nothing to bundle`);
  process.exit(1);
}
fs.rmSync(out, { recursive: true, force: true });
// The libraries the addon compiles (see CMakeLists.txt), whole directories for simplicity.
for (const dir of ['field', 'curve', 'msm', 'poly', 'formats', 'groth16', 'util', 'setup', 'witness']) {
  fs.cpSync(path.join(root, 'src', dir), path.join(out, 'src', dir), { recursive: true });
}
for (const f of ['LICENSE', 'LICENSE-MIT', 'LICENSE-APACHE']) {
  if (fs.existsSync(path.join(root, f))) fs.copyFileSync(path.join(root, f), path.join(out, f));
}
for (const inc of ['/usr/include', '/usr/local/include']) {
  const dir = path.join(inc, 'nlohmann');
  if (fs.existsSync(path.join(dir, 'json.hpp'))) {
    fs.cpSync(dir, path.join(out, 'third_party', 'nlohmann'), { recursive: true });
    const copyright = '/usr/share/doc/nlohmann-json3-dev/copyright';
    if (fs.existsSync(copyright)) fs.copyFileSync(copyright, path.join(out, 'third_party', 'nlohmann', 'COPYRIGHT'));
    break;
  }
}
console.error(`bundle-sources: copied the prover's sources into ${path.relative(process.cwd(), out) || out}`);

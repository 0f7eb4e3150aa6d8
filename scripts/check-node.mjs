// Loopboard runs its TypeScript directly on Node's type stripping (Node >= 22.12 without
// flags on 23.6+, on by default in 24). Say so plainly instead of failing on a `.ts` import.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`Loopboard needs Node.js 22.12 or newer (24 LTS recommended); this is ${process.version}.`)
  process.exit(1)
}

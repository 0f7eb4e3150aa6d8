// The V8 flags every relay process runs with: `npm start` (package.json, which a test holds to
// this list), `npm run dev`, `npm run cluster`, the bench and the tests that start real servers.
//
// --max-semi-space-size=16: a young generation of at most 2 x 16 MiB. Left alone, V8 grows it
// with the machine's memory (64 MiB semi-spaces on a 24 GiB host) and with what survives a busy
// start. Every scavenge copies what the boards added since the last one, so a larger young
// generation means fewer but longer pauses, and mark-compacts that also evacuate it. At 100
// rooms x 30 Hz the relay's scavenges then took 2.5-5.6 ms and two mark-compacts of 7-12 ms fell
// in the first seconds; capped, scavenges mostly take 1.5-3.5 ms (the longest pause of a run
// 3.2-4.8 ms in five runs of six), no mark-compact fell in the window, and the p99 (the median
// of five alternating trials) went from 9.5 to 7.3 ms on the same machine. See the README.
export const RELAY_NODE_FLAGS = ['--max-semi-space-size=16']

export { CHECKPOINT_EVERY, Replayer, type LoggedUpdate } from './Replayer.ts'
export { fromBase64, toBase64 } from './base64.ts'

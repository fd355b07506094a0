// The emulator's public surface: start one, and the types of its options, data and controls.
export { startEmulator } from './start.js';
export type * from './types.js';

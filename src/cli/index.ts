// The CLI's public surface for the library API (src/index.ts): the composition a command runs with.
// The commands themselves are reached through the binary (cli/main.ts), not imported.
export { buildContext, type CommandContext, type ContextOptions } from './context.js';

/**
 * A command's action, loaded only when that command runs. `plumb --help`, `plumb --version` and every other
 * command then never pay for its modules (the model loader, ajv, yaml, isomorphic-git, ssh2 … take most of a
 * second to import). The registration (name, arguments, options, help text) stays in the command's index.ts,
 * which must import nothing heavy: cli/startup.test.ts checks what program.ts pulls in.
 *
 *   .action(lazy(() => import('./action.js'), 'planAction'))
 *
 * The name is checked against the module's exports by the compiler; commander passes the action its usual
 * arguments (operands, options, the command).
 */
export function lazy<M, K extends keyof M>(load: () => Promise<M>, name: K): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const action = (await load())[name] as (...a: unknown[]) => unknown;
    await action(...args);
  };
}

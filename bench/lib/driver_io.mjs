// How drivers talk to the runner: one JSON argument in, one JSON line (the last on stdout) out.

export function readConfig() {
  const arg = process.argv[2];
  if (!arg) {
    process.stderr.write(`usage: node ${process.argv[1]} '<json config>' (normally started by bench/run.mjs)\n`);
    process.exit(2);
  }
  return JSON.parse(arg);
}

export function emit(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Runs main(config), prints its result, and turns a throw into a non-zero exit with the message. */
export function driverMain(main) {
  Promise.resolve()
    .then(() => main(readConfig()))
    .then(emit)
    .catch((e) => {
      process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
      process.exit(1);
    });
}

// Unique names, in order: a name held by one tensor is kept; a repeated one takes its qualified name (an ONNX
// subgraph's '<graph path>/<name>') when that is free, else the first keeps it and the next get '#2', '#3', ...

export function makeUnique(names: readonly string[], qualified: readonly (string | undefined)[] = []): string[] {
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  const taken = new Set<string>();
  for (const [n, c] of count) if (c === 1) taken.add(n);
  const free = (s: string): boolean => !taken.has(s) && !count.has(s);
  return names.map((n, i) => {
    if (count.get(n) === 1) return n;
    const q = qualified[i];
    let name: string;
    if (q !== undefined && free(q)) name = q;
    else if (!taken.has(n)) name = n;
    else {
      let k = 2;
      while (!free(`${n}#${k}`)) k++;
      name = `${n}#${k}`;
    }
    taken.add(name);
    return name;
  });
}

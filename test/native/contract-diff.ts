/** The differences between a loaded addon and the contract's export table (lib/native/arity.ts), in both directions. */
export interface ContractDiff {
  /** Exported by the addon, absent from the contract. */
  notInContract: string[];
  /** In the contract, not exported by the addon. */
  notInAddon: string[];
  /** Exported, but not a function. */
  notFunctions: string[];
  /** `name: native length != contract count`. */
  arity: string[];
}

export function contractDiff(addon: object, table: Readonly<Record<string, number>>): ContractDiff {
  const exported = new Map(Object.entries(addon));
  const diff: ContractDiff = { notInContract: [], notInAddon: [], notFunctions: [], arity: [] };
  for (const [name, value] of exported) {
    if (!(name in table)) diff.notInContract.push(name);
    if (typeof value !== 'function') diff.notFunctions.push(name);
    else if (name in table && value.length !== table[name]) diff.arity.push(`${name}: native ${value.length} != contract ${table[name]}`);
  }
  for (const name of Object.keys(table)) if (!exported.has(name)) diff.notInAddon.push(name);
  return diff;
}

// Small helpers shared by the pages: sums over the rows of data/warehouse.json.

/** The sum of `field` over `rows` that `keep` lets through; null where every value is null. */
export function total(rows, field, keep = () => true) {
  let sum = null;
  for (const row of rows) {
    if (keep(row) && row[field] != null) sum = (sum ?? 0) + row[field];
  }
  return sum;
}

/** A figure as the pages print it: an integer with no separators, "—" where there is none. */
export function figure(value) {
  return value == null ? "—" : String(Math.round(value));
}

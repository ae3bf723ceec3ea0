/** The same server, another database. */
export function dbUrl(base: string, database: string) {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}
/** A maintenance connection (CREATE/DROP DATABASE cannot run inside the target database). */
export const adminUrl = (base: string) => dbUrl(base, 'postgres');

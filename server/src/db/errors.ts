/** PostgreSQL unique_violation, as node-postgres and PGlite report it (drizzle may wrap it). */
export const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: string; cause?: { code?: string } } | null;
  return e?.code === '23505' || e?.cause?.code === '23505';
};

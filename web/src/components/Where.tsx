/** "Customer · ASSET" with the asset in the monospace face (asset names are identifiers). */
export function Where({ customer, asset }: { customer: string | null; asset: string | null }) {
  return (
    <span className="where">
      {customer ? <span>{customer}</span> : null}
      {customer && asset ? <span aria-hidden="true"> · </span> : null}
      {asset ? <span className="mono asset">{asset}</span> : null}
    </span>
  );
}

/** `:id` and `:token` path parameters: the contracts' rules (a hostile id is a 404, never a 500). */
export { ZIdParam, ZTokenParam } from '@rf/contracts';

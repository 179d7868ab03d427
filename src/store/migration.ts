/** One step of the store's schema: applied once, in order, recorded in schema_migrations. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: string;
}

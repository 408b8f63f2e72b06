import type { BenchContext } from './context';
import type { RowResult } from './report';

/** One or more table rows measured together (they share their sides and children). */
export interface BenchRow {
  /** Table ids this produces, e.g. ['B3', 'B3t']. */
  ids: string[];
  title: string;
  /** Starts the children it needs (run in parallel with the other rows' preparation). */
  prepare?(context: BenchContext): Promise<void>;
  run(context: BenchContext): Promise<RowResult[]>;
}

// Tool implementations for the specs in examples/broken/. Each broken spec is self-contained (the
// fixture tests check it in an isolated workspace), so its tools point here rather than to
// ../../tools; the read-only fakes are re-exported from there, and the refund fake lives here.

export { lookupInvoice } from '../../tools/billing.ts';
export { webSearch } from '../../tools/web.ts';

export interface RefundReceipt {
  refund_id: string;
  status: 'issued' | 'rejected';
}

const ISSUED = new Map<string, number>();

/** Refunds part of an invoice. Irreversible: money that has left cannot be recalled by the tool. */
export async function issueRefund(args: { invoice_id: string; amount: number }): Promise<RefundReceipt> {
  const refund_id = `RF-${args.invoice_id}-${ISSUED.size + 1}`;
  if (!(args.amount > 0)) return { refund_id, status: 'rejected' };
  ISSUED.set(refund_id, args.amount);
  return { refund_id, status: 'issued' };
}

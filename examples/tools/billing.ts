// Billing tools for examples/support.agentgraph. A deterministic in-memory invoice table stands in
// for the billing API, so the example runs offline and its evals are reproducible.

export interface Invoice {
  invoice_id: string;
  amount: number;
  currency: 'USD' | 'EUR' | 'GBP';
  status: 'paid' | 'due' | 'overdue' | 'refunded';
  issued_on: string;
  lines: string[];
}

const INVOICES: Record<string, { customer_id: string; invoice: Invoice }[]> = {};

function add(customer_id: string, invoice: Invoice): void {
  (INVOICES[customer_id] ??= []).push({ customer_id, invoice });
}

add('C-1001', { invoice_id: 'INV-2025-0042', amount: 49, currency: 'USD', status: 'paid', issued_on: '2025-09-01', lines: ['Pro plan, 1 seat, September'] });
add('C-1001', { invoice_id: 'INV-2025-0107', amount: 49, currency: 'USD', status: 'paid', issued_on: '2025-10-01', lines: ['Pro plan, 1 seat, October'] });
add('C-1001', { invoice_id: 'INV-2025-0108', amount: 49, currency: 'USD', status: 'paid', issued_on: '2025-10-01', lines: ['Pro plan, 1 seat, October'] });
add('C-2040', { invoice_id: 'INV-2025-0311', amount: 1250, currency: 'EUR', status: 'overdue', issued_on: '2025-08-15', lines: ['Enterprise plan, 25 seats, Q3', 'Priority support add-on'] });
add('C-2040', { invoice_id: 'INV-2025-0388', amount: 1250, currency: 'EUR', status: 'due', issued_on: '2025-11-15', lines: ['Enterprise plan, 25 seats, Q4', 'Priority support add-on'] });
add('C-3377', { invoice_id: 'INV-2025-0512', amount: 0, currency: 'GBP', status: 'paid', issued_on: '2025-10-20', lines: ['Free plan'] });
add('C-3377', { invoice_id: 'INV-2025-0577', amount: 29, currency: 'GBP', status: 'refunded', issued_on: '2025-11-02', lines: ['Pro plan, 1 seat, November (cancelled)'] });

/** The customer's most recent invoices, newest first. */
export async function listInvoices(args: { customer_id: string; limit: number }): Promise<Invoice[]> {
  const rows = INVOICES[args.customer_id] ?? [];
  return rows
    .map((r) => r.invoice)
    .sort((a, b) => b.issued_on.localeCompare(a.issued_on) || b.invoice_id.localeCompare(a.invoice_id))
    .slice(0, Math.max(0, args.limit));
}

/** One invoice by id, or null. */
export async function lookupInvoice(args: { invoice_id: string }): Promise<Invoice | null> {
  for (const rows of Object.values(INVOICES)) {
    const hit = rows.find((r) => r.invoice.invoice_id === args.invoice_id.trim().toUpperCase());
    if (hit) return hit.invoice;
  }
  return null;
}

// Accounts-payable tools for examples/supervisor-tree.agentgraph. In-memory vendor master, ERP
// purchase orders and a fake bank stand in for the real systems; everything is deterministic.

export type Currency = 'EUR' | 'USD' | 'GBP';

export interface Vendor {
  vendor_id: string;
  name: string;
  iban_on_file: string;
  iban_changed_on: string | null;
  status: 'active' | 'blocked';
}

export interface PurchaseOrder {
  po_number: string;
  vendor_id: string;
  currency: Currency;
  open_amount: number;
  status: 'open' | 'closed';
}

export interface PastInvoice {
  invoice_number: string;
  amount: number;
  paid_on: string;
}

export interface InvoiceData {
  doc_id: string;
  vendor_id: string;
  vendor_name: string;
  invoice_number: string;
  po_number?: string | null;
  amount: number;
  currency: Currency;
  due_date: string;
  iban: string;
  complete: boolean;
}

export interface Reconciliation {
  matches: { doc_id: string; status: 'matched' | 'mismatch' | 'no_po'; note: string }[];
}

export interface Screening {
  flags: { doc_id: string; reason: string; detail: string }[];
}

export interface PaymentInstruction {
  doc_id: string;
  vendor_id: string;
  invoice_number: string;
  amount: number;
  currency: Currency;
  iban: string;
  execute_on: string;
}

export interface PaymentRun {
  batch_id: string;
  payments: PaymentInstruction[];
  held: { doc_id: string; reason: string }[];
  needs_review: boolean;
}

export interface PaymentReceipt {
  payment_id: string;
  status: 'scheduled' | 'rejected';
  reason: string | null;
}

export interface RunReport {
  batch_id: string;
  scheduled: number;
  held: number;
  rejected: number;
  summary: string;
  url: string;
}

const VENDORS: Vendor[] = [
  { vendor_id: 'V-100', name: 'Nordwind Logistics GmbH', iban_on_file: 'DE89370400440532013000', iban_changed_on: null, status: 'active' },
  { vendor_id: 'V-200', name: 'Bright Paper Supplies Ltd', iban_on_file: 'GB29NWBK60161331926819', iban_changed_on: '2025-11-10', status: 'active' },
  { vendor_id: 'V-300', name: 'Contoso Cleaning BV', iban_on_file: 'NL91ABNA0417164300', iban_changed_on: null, status: 'blocked' },
  { vendor_id: 'V-400', name: 'Helio Energy SAS', iban_on_file: 'FR1420041010050500013M02606', iban_changed_on: '2023-02-01', status: 'active' },
];

const PURCHASE_ORDERS: PurchaseOrder[] = [
  { po_number: 'PO-5001', vendor_id: 'V-100', currency: 'EUR', open_amount: 10000, status: 'open' },
  { po_number: 'PO-5002', vendor_id: 'V-200', currency: 'GBP', open_amount: 2500, status: 'open' },
  { po_number: 'PO-5003', vendor_id: 'V-400', currency: 'EUR', open_amount: 800, status: 'open' },
  { po_number: 'PO-5004', vendor_id: 'V-100', currency: 'EUR', open_amount: 0, status: 'closed' },
];

const HISTORY: Record<string, PastInvoice[]> = {
  'V-100': [
    { invoice_number: 'NW-2025-0911', amount: 3900, paid_on: '2025-10-14' },
    { invoice_number: 'NW-2025-0802', amount: 4100, paid_on: '2025-09-12' },
  ],
  'V-200': [{ invoice_number: 'BPS-7781', amount: 980, paid_on: '2025-10-02' }],
  'V-400': [{ invoice_number: 'HE-22-118', amount: 640, paid_on: '2025-10-20' }],
};

/** Limit above which a run always needs a person, in units of any currency (kept simple). */
const NO_REVIEW_LIMIT = 50_000;

export async function findVendor(args: { name: string }): Promise<Vendor[]> {
  const q = args.name.trim().toLowerCase();
  return VENDORS.filter((v) => v.name.toLowerCase().includes(q) || q.includes(v.name.toLowerCase().split(' ')[0] ?? ''));
}

export async function lookupVendor(args: { vendor_id: string }): Promise<Vendor | null> {
  return VENDORS.find((v) => v.vendor_id === args.vendor_id) ?? null;
}

export async function vendorHistory(args: { vendor_id: string; months: number }): Promise<PastInvoice[]> {
  // The fake history covers the last three months only, whatever `months` asks for.
  return [...(HISTORY[args.vendor_id] ?? [])].sort((a, b) => b.paid_on.localeCompare(a.paid_on));
}

export async function findPurchaseOrder(args: { po_number: string }): Promise<PurchaseOrder | null> {
  return PURCHASE_ORDERS.find((p) => p.po_number === args.po_number.trim().toUpperCase()) ?? null;
}

/**
 * The payment policy. An invoice is paid in full on the run date when it is complete, belongs to
 * a known vendor, matches an open purchase order, and has no risk flag; every other invoice is
 * held with the reasons. A run with holds, or above the no-review limit, needs a person.
 */
export async function buildPaymentRun(args: {
  batch_id: string;
  run_date: string;
  invoices: InvoiceData[];
  reconciliation: Reconciliation;
  screening: Screening;
}): Promise<PaymentRun> {
  const payments: PaymentInstruction[] = [];
  const held: { doc_id: string; reason: string }[] = [];
  for (const inv of args.invoices) {
    const reasons: string[] = [];
    if (!inv.complete) reasons.push('incomplete extraction');
    if (!inv.vendor_id) reasons.push('unknown vendor');
    const match = args.reconciliation.matches.find((m) => m.doc_id === inv.doc_id);
    if (!match) reasons.push('not reconciled');
    else if (match.status !== 'matched') reasons.push(`${match.status}: ${match.note}`);
    for (const f of args.screening.flags.filter((x) => x.doc_id === inv.doc_id)) reasons.push(`${f.reason}: ${f.detail}`);
    if (reasons.length) held.push({ doc_id: inv.doc_id, reason: reasons.join('; ') });
    else {
      payments.push({
        doc_id: inv.doc_id,
        vendor_id: inv.vendor_id,
        invoice_number: inv.invoice_number,
        amount: inv.amount,
        currency: inv.currency,
        iban: inv.iban,
        execute_on: args.run_date,
      });
    }
  }
  const total = payments.reduce((s, p) => s + p.amount, 0);
  return { batch_id: args.batch_id, payments, held, needs_review: held.length > 0 || total > NO_REVIEW_LIMIT };
}

/** The fake bank: accepts well-formed instructions and derives a stable payment id from them. */
export async function schedulePayment(args: { instruction: PaymentInstruction }): Promise<PaymentReceipt> {
  const i = args.instruction;
  const id = `PAY-${i.vendor_id}-${i.invoice_number}`.replace(/[^A-Za-z0-9-]/g, '');
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(i.iban)) return { payment_id: id, status: 'rejected', reason: 'malformed IBAN' };
  if (!(i.amount > 0)) return { payment_id: id, status: 'rejected', reason: 'amount must be positive' };
  return { payment_id: id, status: 'scheduled', reason: null };
}

const PUBLISHED = new Map<string, RunReport>();

/** Publishes (or overwrites) the report of a batch and returns its URL. */
export async function publishReport(args: { report: RunReport }): Promise<{ url: string }> {
  PUBLISHED.set(args.report.batch_id, args.report);
  return { url: `https://wiki.acme.example/finance/ap-runs/${encodeURIComponent(args.report.batch_id)}` };
}

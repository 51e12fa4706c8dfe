// A big JSON body of a realistic shape, the same for every contestant: an order with its
// customer and an array of line items, each an object with strings, numbers, an array and a
// nested object. `document(bytes)` makes one of about that size.
import * as v from "valibot";

const Item = v.object({
  sku: v.pipe(v.string(), v.regex(/^[A-Z]{3}-\d{6}$/)),
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  quantity: v.pipe(v.number(), v.integer(), v.minValue(1)),
  unitPrice: v.pipe(v.number(), v.minValue(0)),
  tags: v.array(v.string()),
  dimensions: v.object({ width: v.number(), height: v.number(), depth: v.number(), weight: v.number() }),
  giftWrap: v.optional(v.boolean()),
});

export const Order = v.object({
  id: v.pipe(v.string(), v.uuid()),
  customer: v.object({ id: v.string(), name: v.string(), email: v.pipe(v.string(), v.email()) }),
  currency: v.picklist(["EUR", "USD", "GBP"]),
  items: v.pipe(v.array(Item), v.minLength(1)),
  note: v.optional(v.string()),
});
export type Order = v.InferOutput<typeof Order>;

/** What every contestant answers (201): the order's id, its line count and total. */
export function summary(order: Order): { id: string; lines: number; total: number } {
  let total = 0;
  for (const item of order.items) total += item.quantity * item.unitPrice;
  return { id: order.id, lines: order.items.length, total: Math.round(total * 100) / 100 };
}

/** An order's JSON text of about `bytes` bytes (never less). */
export function document(bytes: number): string {
  const items: unknown[] = [];
  const order = {
    id: "3f2b8c1e-9d4a-4e7b-a6c5-0f1e2d3c4b5a",
    customer: { id: "cus_0001", name: "Ada Lovelace", email: "ada@example.com" },
    currency: "EUR",
    items,
    note: "Leave at the door",
  };
  let size = JSON.stringify(order).length;
  for (let i = 0; size < bytes; i++) {
    const item = {
      sku: `ABC-${String(i).padStart(6, "0")}`,
      name: `Item number ${i}, a thing of some description`,
      quantity: 1 + (i % 5),
      unitPrice: 9.99 + (i % 100),
      tags: ["catalogue", `group-${i % 12}`, i % 2 ? "fragile" : "sturdy"],
      dimensions: { width: 10 + (i % 7), height: 4.5, depth: 2 + (i % 3), weight: 0.25 * (1 + (i % 9)) },
      ...(i % 4 === 0 ? { giftWrap: true } : {}),
    };
    items.push(item);
    size += JSON.stringify(item).length + 1;
  }
  return JSON.stringify(order);
}

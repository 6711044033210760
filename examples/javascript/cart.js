// A shopping cart: line items, totals and discount codes.
// One syntax error on purpose (a missing closing parenthesis in applyDiscount).

const DISCOUNTS = { SAVE10: 0.1, SAVE20: 0.2 };

class Cart {
  constructor() {
    this.items = new Map();
  }

  add(sku, price, quantity = 1) {
    const line = this.items.get(sku) ?? { sku, price, quantity: 0 };
    line.quantity += quantity;
    this.items.set(sku, line);
    return line;
  }

  remove(sku) {
    return this.items.delete(sku);
  }

  subtotal() {
    let sum = 0;
    for (const { price, quantity } of this.items.values()) {
      sum += price * quantity;
    }
    return Math.round(sum * 100) / 100;
  }
}

function applyDiscount(cart, code) {
  const rate = DISCOUNTS[code.toUpperCase()];
  if (rate === undefined {
    return cart.subtotal();
  }
  return Math.round(cart.subtotal() * (1 - rate) * 100) / 100;
}

module.exports = { Cart, applyDiscount };

"""A small in-memory inventory: stock levels per SKU, with reservations."""

from __future__ import annotations

from dataclasses import dataclass, field


class OutOfStockError(Exception):
    """Raised when a reservation asks for more than is on hand."""


@dataclass
class Item:
    sku: str
    name: str
    on_hand: int = 0
    reserved: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass
class Inventory:
    items: dict[str, Item] = field(default_factory=dict)

    def receive(self, sku: str, name: str, quantity: int) -> Item:
        """Book ``quantity`` units of ``sku`` into stock."""
        item = self.items.setdefault(sku, Item(sku, name))
        item.on_hand += quantity
        return item

    def reserve(self, sku: str, quantity: int) -> None:
        """Hold ``quantity`` units for an order, or raise OutOfStockError."""
        item = self.items[sku]
        if quantity > item.available:
            raise OutOfStockError(f"{sku}: {quantity} requested, {item.available} available")
        item.reserved += quantity

    def low_stock(self, threshold: int = 5) -> list[Item]:
        """Items at or below ``threshold`` available units, scarcest first."""
        return sorted(
            (item for item in self.items.values() if item.available <= threshold),
            key=lambda item: item.available,
        )

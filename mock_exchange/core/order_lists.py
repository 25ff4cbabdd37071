"""Order lists: OCO, OTO and OTOCO, and their list-level statuses (spec §6.2-6.3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from mock_exchange.core.enums import ContingencyType, ListOrderStatus, ListStatusType
from mock_exchange.core.scopes import Scope, scope_of_flags


class ListKind(StrEnum):
    """What the list was placed as; Binance only reports OCO or OTO (an OTOCO says "OTO")."""

    OCO = "OCO"
    OTO = "OTO"
    OTOCO = "OTOCO"

    @property
    def contingency_type(self) -> ContingencyType:
        return ContingencyType.OCO if self is ListKind.OCO else ContingencyType.OTO


@dataclass(slots=True, eq=False)
class OrderList:
    """A list of 2 (OCO, OTO) or 3 (OTOCO) orders placed and finished together."""

    order_list_id: int
    kind: ListKind
    symbol: str
    account: str
    isolated: bool
    list_client_order_id: str
    transaction_time_ms: int
    # Leg order ids in Binance's display order: OCO stop leg then limit leg; OTO working
    # then pending; OTOCO working, then the pending pair (below leg, above leg).
    order_ids: list[int] = field(default_factory=list)
    working_order_id: int | None = None  # OTO / OTOCO only
    list_status_type: ListStatusType = ListStatusType.EXEC_STARTED
    list_order_status: ListOrderStatus = ListOrderStatus.EXECUTING
    spot: bool = False  # a spot order list (core.scopes)

    @property
    def scope(self) -> Scope:
        return scope_of_flags(self.isolated, self.spot)

    @property
    def contingency_type(self) -> ContingencyType:
        return self.kind.contingency_type

    @property
    def is_open(self) -> bool:
        return self.list_order_status is ListOrderStatus.EXECUTING

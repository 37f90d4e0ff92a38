package testenv

// OrdersMapping maps an export of order lines (order,customer,sku,qty,price)
// to one activity per order: its total and its items. Rows with a qty of 0
// are filtered by where; a qty or price that does not convert rejects the
// row.
const OrdersMapping = `version: 1
columns:
  qty: int
  price: decimal
where: ${ qty > 0 }
group_by: ${ order }
activity:
  $type: TOUCH
  $ts: 1700000000000
  $user_account_id: ${ customer }
  total: '${ sum(rows, #.price * #.qty) }'
  items:
    for_each: rows
    item: ${ sku + "x" + string(qty) }
`

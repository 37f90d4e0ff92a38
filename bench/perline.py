"""The per-line benchmark mapping written as a plain Python csv + json script,
one of the peers bench/run.sh measures csv2activity against."""
import csv
import json
import sys
from datetime import datetime, timezone
from decimal import Decimal

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def main():
    reader = csv.DictReader(sys.stdin)
    out = sys.stdout
    for row in reader:
        day = datetime.strptime(row["Order Date"], "%Y-%m-%d").replace(tzinfo=timezone.utc)
        ts = int((day - EPOCH).total_seconds() * 1000)
        qty = int(row["Quantity"])
        price = Decimal(row["Sales"]) / qty
        activity = {
            "$type": "TOUCH", "$session_status": "NO_SESSION", "$ts": ts,
            "$user_account_id": row["Customer ID"], "$compartment_id": "1",
            "$events": [{"$event_name": "$transaction_confirmed", "$ts": ts, "$properties": {
                "$currency": "USD", "order_id": row["Order ID"],
                "$items": [{"$id": row["Product ID"], "$qty": qty, "$price": float(price),
                            "$category1": row["Category"], "$category2": row["Sub-Category"]}]}}],
        }
        out.write(json.dumps(activity, separators=(",", ":"), ensure_ascii=False))
        out.write("\n")


main()

"""The monitoring desk: events read from the store, charts, watchlists and alerts, digests and exports."""

"""What the tests and the benchmarks both drive sellerlink with: a throwaway PostgreSQL
server (`postgres`, also a pytest plugin), sellerlink served over loopback (`server`), the
HTTP driver and Amazon's consent page as a person clicks it (`driver`), several worker
processes on one database (`stack`) and the sellers they work on (`seeds`).

It lives beside `tests/` and `benchmarks/`, not inside either, so that a benchmark never
imports a test module; like them it is development code and is not installed."""

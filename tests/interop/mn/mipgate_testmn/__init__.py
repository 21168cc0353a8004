"""Independent test mobile node for mipgate (RFC 3971/3972 SEND, RFC 5268 FMIPv6, RFC 5269 keys).

Shares no code with the project's C++ implementation; see ../README.md."""

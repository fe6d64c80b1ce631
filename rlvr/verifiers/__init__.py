"""One pure verifier function per task family: `verify(*, completion, reference, config=None) -> VerifyResult`."""

"""Code with unit tests, run in the sandbox by a harness the candidate cannot fool.

See docs/envs/code.md for the reference formats, the comparison policy and the defenses.
"""

from rlvr.verifiers.code.config import (
    CodeConfig,
    SandboxSettings,
    current_shared_sandbox,
    owning_shared_sandbox,
    set_shared_sandbox,
    shared_sandbox,
    using_sandbox,
)
from rlvr.verifiers.code.extract import extract_code
from rlvr.verifiers.code.reference import Suite, parse_reference
from rlvr.verifiers.code.verifier import verify

__all__ = ["CodeConfig", "SandboxSettings", "Suite", "current_shared_sandbox", "extract_code",
           "owning_shared_sandbox", "parse_reference", "set_shared_sandbox", "shared_sandbox", "using_sandbox",
           "verify"]

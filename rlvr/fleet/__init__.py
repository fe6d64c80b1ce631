"""The verification fleet on Ray: verifier actors, each holding one `Runtime`, spread over a cluster's nodes.

`rlvr.ray.RayVerifier` is the public entry point; the modules here are its parts: `options` (how many actors,
what each takes), `items` (the HTTP edge's item check, applied before anything is sent), `actor` (what runs on a
node), `members` (the driver's view of each actor: live or not, its room), `dispatch` (chunks, backpressure,
retry once) and `connect` (reaching the cluster and placing actors). Needs the `ray` extra.
"""

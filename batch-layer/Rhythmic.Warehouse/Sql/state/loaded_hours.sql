-- The hours the warehouse has loaded and the digest of their manifest rows at the time (to compare with the lake's now).
select hour, manifest_digest from dw.load_state

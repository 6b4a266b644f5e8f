-- Which of the paths $1 the manifest records now (verify's second look at files it found unrecorded).
select path from lake.files where path = any($1)

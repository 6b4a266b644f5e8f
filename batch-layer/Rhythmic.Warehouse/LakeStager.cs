namespace Rhythmic.Warehouse;

/// <summary>Stages the events of one lake Parquet file into dw.stg_event.</summary>
internal sealed class LakeStager(string lakeRoot)
{
    public Task StageAsync(LakeFile file, StagingWriter writer, CancellationToken ct)
        => throw new NotSupportedException($"Reading {Path.Combine(lakeRoot, file.Path)}: the Parquet reader is not wired yet.");
}

using Rhythmic.Lake.Storage;

namespace Rhythmic.Lake.Tests.Lake;

public sealed class LocalLakeStorageTests
{
    [Fact]
    public void Many_files_written_together_and_published_together_keep_their_contents_under_their_final_names()
    {
        var root = Directory.CreateTempSubdirectory("rhythmic-storage-").FullName;
        try
        {
            var storage = new LocalLakeStorage(root);
            var files = Enumerable.Range(0, 60)
                .Select(i => (Path: $"raw/t/day={i % 3}/hour={i % 5:00}/part-{i}.parquet", Content: (ReadOnlyMemory<byte>)Enumerable.Range(0, 1_000 + i).Select(b => (byte)(b * i)).ToArray()))
                .ToList();
            storage.WriteAllDurably(files.Select(f => (f.Path + ".tmp", f.Content)).ToList());
            Assert.All(files, f => Assert.True(storage.Exists(f.Path + ".tmp")));

            storage.PublishAll(files.Select(f => (f.Path + ".tmp", f.Path)).ToList());

            Assert.Equal(files.Select(f => f.Path).Order(StringComparer.Ordinal), storage.List("raw").Order(StringComparer.Ordinal));
            foreach (var (path, content) in files)
            {
                using var stream = storage.OpenRead(path);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                Assert.Equal(content.ToArray(), copy.ToArray());
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}

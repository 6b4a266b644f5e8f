using System.Security.Cryptography;
using System.Text;

namespace Rhythmic.Core;

/// <summary>
/// The embedded cluster's role passwords: generated at first start (32 random bytes), each kept in a file of its own
/// that only the user running the platform can read (directory 0700, file 0600), outside the data directory (which
/// belongs to the server's user when the platform runs as root).
/// </summary>
public static class PostgresPasswords
{
    /// <summary>The file holding <paramref name="role"/>'s password in <paramref name="secretsDir"/>.</summary>
    public static string FileOf(string secretsDir, string role) => Path.Combine(secretsDir, role + ".password");

    /// <summary>The password in <paramref name="file"/>; a one-line error naming the file if it is missing or unreadable.</summary>
    public static string Read(string file, string role)
    {
        string text;
        try { text = File.ReadAllText(file); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RhythmicException($"The password of PostgreSQL role '{role}' is missing: {file} does not exist (it is written when the embedded cluster is first started: './rhythmic infra pg start').");
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new RhythmicException($"The password of PostgreSQL role '{role}' cannot be read from {file}: {e.Message} (run rhythmic as the user who owns it).");
        }
        var password = text.Trim();
        return password.Length > 0 ? password : throw new RhythmicException($"The password file {file} of PostgreSQL role '{role}' is empty.");
    }

    /// <summary>The password in <paramref name="file"/>, or a new random one written there first.</summary>
    public static string ReadOrCreate(string file, string role)
    {
        if (File.Exists(file)) return Read(file, role);
        var password = Generate();
        var dir = Path.GetDirectoryName(file)!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
        else
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        // Written under a temporary name and renamed, so a crash never leaves a half-written password behind.
        var temp = $"{file}.{Guid.NewGuid():N}.tmp";
        WritePrivate(temp, password);
        try { File.Move(temp, file, overwrite: false); }
        catch (IOException) when (File.Exists(file))
        {
            File.Delete(temp); // another process made it first: use that one
            return Read(file, role);
        }
        return password;
    }

    /// <summary>Writes <paramref name="text"/> to a new file only its owner can read or write.</summary>
    internal static void WritePrivate(string file, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(file, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            writer.Write(text + "\n");
        // An existing file keeps its mode on FileMode.Create: make sure it is private.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>A new password: 32 random bytes, base64url (no characters that need quoting anywhere).</summary>
    public static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// The SCRAM-SHA-256 verifier PostgreSQL stores for <paramref name="password"/> (as its own
    /// <c>password_encryption = scram-sha-256</c> would compute it), so <c>ALTER ROLE ... PASSWORD</c> sends the server a
    /// hash rather than the password itself, which would otherwise show in its log if the statement failed.
    /// </summary>
    public static string ScramVerifier(string password, byte[]? salt = null, int iterations = 4096)
    {
        // SASLprep is the identity on the ASCII passwords Generate makes.
        salt ??= RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }

    /// <summary>True when <paramref name="verifier"/> (a role's stored SCRAM-SHA-256 password) is that of <paramref name="password"/>.</summary>
    public static bool VerifierMatches(string? verifier, string password)
    {
        // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
        var parts = verifier?.Split('$');
        if (parts is not { Length: 3 } || parts[0] != "SCRAM-SHA-256") return false;
        var head = parts[1].Split(':');
        if (head.Length != 2 || !int.TryParse(head[0], System.Globalization.CultureInfo.InvariantCulture, out var iterations) || iterations <= 0) return false;
        byte[] salt;
        try { salt = Convert.FromBase64String(head[1]); }
        catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(ScramVerifier(password, salt, iterations)), Encoding.ASCII.GetBytes(verifier!));
    }
}

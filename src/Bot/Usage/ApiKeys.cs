using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Bot.Cli;
using Bot.Data;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Bot.Usage;

internal sealed record ApiKeyInfo(string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>
/// Keys for the HTTP API. A key is shown once when created; only its SHA-256 hash and a short prefix (to tell keys
/// apart in a list) are stored. Looking a key up by its hash means no secret is ever compared byte by byte.
/// </summary>
internal sealed partial class ApiKeyStore(Database database, TimeProvider time)
{
    public const string KeyPrefix = "roi_";
    public const string NameRule = "letters, digits, '-', '_' or '.', up to 64 characters";

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    private const string DeleteRevokedSql = "DELETE FROM api_keys WHERE name = @Name AND revoked_at IS NOT NULL";

    private const string InsertSql = """
        INSERT INTO api_keys (name, key_prefix, key_hash, created_at) VALUES (@Name, @Prefix, @Hash, @CreatedAt)
        """;

    /// <summary>Creates a key and returns it (the only time it exists in clear), or null when the name is taken by a live key.</summary>
    public async Task<string?> CreateAsync(string name, CancellationToken cancellationToken)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"A key name is {NameRule}.", nameof(name));
        }

        var key = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var connection = await database.OpenAsync(cancellationToken);
        using var transaction = connection.BeginTransaction();

        // A revoked key's name may be used again; its row is only kept while the name is free.
        await connection.ExecuteAsync(DeleteRevokedSql, new { Name = name }, transaction);
        try
        {
            await connection.ExecuteAsync(InsertSql, new { Name = name, Prefix = key[..(KeyPrefix.Length + 6)], Hash = Hash(key), CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            return null; // SQLITE_CONSTRAINT: a live key has this name
        }

        transaction.Commit();
        return key;
    }

    private const string ListSql = "SELECT name, key_prefix, created_at, revoked_at FROM api_keys ORDER BY name";

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Name, string Prefix, long CreatedAt, long? RevokedAt)>(new CommandDefinition(ListSql, cancellationToken: cancellationToken));
        return rows.Select(r => new ApiKeyInfo(r.Name, r.Prefix, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt), r.RevokedAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null)).ToList();
    }

    private const string RevokeSql = "UPDATE api_keys SET revoked_at = @RevokedAt WHERE name = @Name AND revoked_at IS NULL";

    /// <summary>False when there is no live key of that name.</summary>
    public async Task<bool> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(RevokeSql, new { Name = name, RevokedAt = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return changed == 1;
    }

    private const string FindSql = "SELECT name FROM api_keys WHERE key_hash = @Hash AND revoked_at IS NULL";

    /// <summary>The name of the live key presented, or null: unknown, revoked, empty or malformed keys all fail.</summary>
    public async Task<string?> AuthenticateAsync(string? presented, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(presented) || !presented.StartsWith(KeyPrefix, StringComparison.Ordinal) || presented.Length > 200)
        {
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<string>(new CommandDefinition(FindSql, new { Hash = Hash(presented) }, cancellationToken: cancellationToken));
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();
}

/// <summary>`keys create &lt;name&gt;`, `keys list`, `keys revoke &lt;name&gt;`.</summary>
internal static class ApiKeyVerbs
{
    public static Command Create()
    {
        var keys = new Command("keys", "Manage the API keys that POST /api/usage and /api/tasks accept.") { TreatUnmatchedTokensAsErrors = false };

        var createName = new Argument<string>("name") { Description = "Who or what uses the key, for example billing-exporter" };
        var create = new Command("create", "Create a key and print it once (only its hash is stored).") { createName };
        create.TreatUnmatchedTokensAsErrors = false;
        create.SetAction(async (result, token) =>
        {
            var name = result.GetValue(createName)!;
            if (!ApiKeyStore.IsValidName(name))
            {
                await Console.Error.WriteLineAsync($"'{name}' is not a key name: use {ApiKeyStore.NameRule}.");
                return 2;
            }

            await using var app = BuildQuietHost(result);
            var key = await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync(name, token);
            if (key is null)
            {
                await Console.Error.WriteLineAsync($"A key named '{name}' already exists. Revoke it first (keys revoke {name}) or choose another name.");
                return 2;
            }

            Console.Out.WriteLine(key);
            await Console.Error.WriteLineAsync($"Key '{name}' created. It is shown only now: send it as 'Authorization: Bearer <key>'.");
            return 0;
        });

        var list = new Command("list", "List keys (name, prefix, created, revoked).") { TreatUnmatchedTokensAsErrors = false };
        list.SetAction(async (result, token) =>
        {
            await using var app = BuildQuietHost(result);
            var all = await app.Services.GetRequiredService<ApiKeyStore>().ListAsync(token);
            if (all.Count == 0)
            {
                Console.Out.WriteLine("No keys. Create one: keys create <name>");
            }

            foreach (var key in all)
            {
                var state = key.RevokedAt is { } revoked ? "revoked " + Format(revoked) : "active";
                Console.Out.WriteLine($"{key.Name}\t{key.Prefix}…\tcreated {Format(key.CreatedAt)}\t{state}");
            }

            return 0;
        });

        var revokeName = new Argument<string>("name") { Description = "The key's name" };
        var revoke = new Command("revoke", "Revoke a key: requests with it are refused from now on.") { revokeName };
        revoke.TreatUnmatchedTokensAsErrors = false;
        revoke.SetAction(async (result, token) =>
        {
            var name = result.GetValue(revokeName)!;
            await using var app = BuildQuietHost(result);
            if (!await app.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(name, token))
            {
                await Console.Error.WriteLineAsync($"No active key named '{name}' (see keys list).");
                return 2;
            }

            Console.Out.WriteLine($"Key '{name}' revoked.");
            return 0;
        });

        keys.Subcommands.Add(create);
        keys.Subcommands.Add(list);
        keys.Subcommands.Add(revoke);
        keys.SetAction(Cli.HostSettings.RefuseWithoutSubcommand);
        return keys;
    }

    /// <summary>The host without informational logs, so that stdout carries only the answer (a key can be captured by a script).</summary>
    private static WebApplication BuildQuietHost(ParseResult result) => BotCommandLine.BuildVerbHost(BotCommandLine.HostArguments(result));

    private static string Format(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

using System.Globalization;
using Microsoft.AspNetCore.Http;
using Rhythmic.Core;

namespace Rhythmic.Serving.Views;

/// <summary>
/// Validation of one request's query parameters. Every problem is collected under the parameter's name; a request
/// with any gets one 400 answer in RFC 7807 form (application/problem+json) listing them all. A parameter the
/// endpoint does not know is a problem too: a misspelt <c>grian=day</c> must not silently fall back to a default.
/// </summary>
internal sealed class QueryArgs
{
    private readonly IQueryCollection _query;
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public QueryArgs(HttpRequest request, params string[] known)
    {
        _query = request.Query;
        foreach (var name in _query.Keys)
            if (!known.Contains(name, StringComparer.Ordinal))
                Fail(name, $"is not a parameter of {request.Path} (its parameters: {string.Join(", ", known)})");
        foreach (var name in known)
            if (_query.TryGetValue(name, out var values) && values.Count > 1) Fail(name, "is given more than once");
    }

    /// <summary>True when no parameter had a problem so far.</summary>
    public bool Ok => _errors.Count == 0;

    /// <summary>Records a problem with <paramref name="name"/> (the message reads after the name).</summary>
    public void Fail(string name, string why)
    {
        if (!_errors.TryGetValue(name, out var list)) _errors[name] = list = [];
        list.Add(why);
    }

    /// <summary>The 400 answer naming every problem.</summary>
    public IResult Problem()
    {
        var detail = string.Join("; ", _errors.SelectMany(e => e.Value.Select(v => $"'{e.Key}' {v}")));
        return Results.ValidationProblem(_errors.ToDictionary(e => e.Key, e => e.Value.Select(v => $"'{e.Key}' {v}").ToArray()),
            detail: detail, title: "Invalid query parameters");
    }

    /// <summary>The raw text of <paramref name="name"/>, or null when absent (an empty value counts as given).</summary>
    public string? Text(string name) => _query.TryGetValue(name, out var v) ? v.ToString() : null;

    /// <summary>One of <paramref name="allowed"/>, <paramref name="fallback"/> when absent (null: required).</summary>
    public string? OneOf(string name, IReadOnlyList<string> allowed, string? fallback)
    {
        var text = Text(name);
        if (text is null)
        {
            if (fallback is null) Fail(name, $"is required (one of: {string.Join(", ", allowed)})");
            return fallback;
        }
        if (allowed.Contains(text, StringComparer.Ordinal)) return text;
        Fail(name, $"must be one of: {string.Join(", ", allowed)} (got '{text}')");
        return fallback;
    }

    /// <summary>An ISO 8601 instant, as UTC (a value without an offset is taken as UTC); null when absent or bad.</summary>
    public DateTime? Time(string name)
    {
        var text = Text(name);
        if (text is null) return null;
        if (IsoTime.TryParse(text, out DateTime t))
        {
            if (t.Year is >= 1970 and <= 2200) return t;
            Fail(name, $"must lie between the years 1970 and 2200 (got '{text}')");
            return null;
        }
        Fail(name, $"is not an ISO 8601 time such as 2026-12-04T13:00:00Z (got '{text}')");
        return null;
    }

    /// <summary>An integer in [min, max], <paramref name="fallback"/> when absent.</summary>
    public int Int(string name, int min, int max, int fallback)
    {
        var text = Text(name);
        if (text is null) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        Fail(name, $"must be a whole number from {min} to {max} (got '{text}')");
        return fallback;
    }
}

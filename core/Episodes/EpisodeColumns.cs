using Parquet;
using Parquet.Schema;
using Robotics.Core.Robots;

namespace Robotics.Core.Episodes;

/// <summary>
/// Locates and type-checks the <see cref="EpisodeSchema"/> columns in one file's schema and decodes row
/// groups into transitions. Nullable columns from other writers are accepted as long as no value is null.
/// </summary>
internal sealed class EpisodeColumns
{
    private readonly string _file;
    private readonly DataField _episode, _step, _time, _reward, _terminated, _truncated, _source, _robotId, _vetoed;
    private readonly DataField _obs, _action, _nextObs;
    private readonly DataField? _safety, _proposed; // absent from files written before the columns existed

    public EpisodeColumns(ParquetSchema schema, string file)
    {
        _file = file;
        _episode = Scalar(schema, EpisodeSchema.Episode, typeof(long));
        _step = Scalar(schema, EpisodeSchema.Step, typeof(int));
        _time = Scalar(schema, EpisodeSchema.Time, typeof(double));
        _obs = FloatList(schema, EpisodeSchema.Obs);
        _action = FloatList(schema, EpisodeSchema.Action);
        _reward = Scalar(schema, EpisodeSchema.Reward, typeof(float));
        _nextObs = FloatList(schema, EpisodeSchema.NextObs);
        _terminated = Scalar(schema, EpisodeSchema.Terminated, typeof(bool));
        _truncated = Scalar(schema, EpisodeSchema.Truncated, typeof(bool));
        _source = Scalar(schema, EpisodeSchema.Source, typeof(string));
        _robotId = Scalar(schema, EpisodeSchema.RobotId, typeof(string));
        _vetoed = Scalar(schema, EpisodeSchema.Vetoed, typeof(bool));
        if (schema.Fields.Any(f => f.Name == EpisodeSchema.Safety)) _safety = Scalar(schema, EpisodeSchema.Safety, typeof(string));
        if (schema.Fields.Any(f => f.Name == EpisodeSchema.Proposed)) _proposed = FloatList(schema, EpisodeSchema.Proposed);
    }

    public async Task ReadRowGroupAsync(ParquetRowGroupReader group, List<Transition> rows, CancellationToken ct)
    {
        int n = checked((int)group.RowCount);
        long[] episode = await ReadAsync<long>(group, _episode, n, ct).ConfigureAwait(false);
        int[] step = await ReadAsync<int>(group, _step, n, ct).ConfigureAwait(false);
        double[] time = await ReadAsync<double>(group, _time, n, ct).ConfigureAwait(false);
        float[][] obs = await ReadListAsync(group, _obs, n, ct).ConfigureAwait(false);
        float[][] action = await ReadListAsync(group, _action, n, ct).ConfigureAwait(false);
        float[] reward = await ReadAsync<float>(group, _reward, n, ct).ConfigureAwait(false);
        float[][] nextObs = await ReadListAsync(group, _nextObs, n, ct).ConfigureAwait(false);
        bool[] terminated = await ReadAsync<bool>(group, _terminated, n, ct).ConfigureAwait(false);
        bool[] truncated = await ReadAsync<bool>(group, _truncated, n, ct).ConfigureAwait(false);
        string[] source = await ReadStringsAsync(group, _source, n, ct).ConfigureAwait(false);
        string[] robotId = await ReadStringsAsync(group, _robotId, n, ct).ConfigureAwait(false);
        bool[] vetoed = await ReadAsync<bool>(group, _vetoed, n, ct).ConfigureAwait(false);
        string[]? safety = _safety is null ? null : await ReadStringsAsync(group, _safety, n, ct).ConfigureAwait(false);
        float[][]? proposed = _proposed is null ? null : await ReadListAsync(group, _proposed, n, ct).ConfigureAwait(false);

        rows.EnsureCapacity(rows.Count + n);
        for (int i = 0; i < n; i++)
        {
            if (!EpisodeParquetSchema.TryParseSource(source[i], out var src))
                throw Bad($"column '{EpisodeSchema.Source}' holds '{source[i]}', expected sim or real");
            SafetyDecision decision = vetoed[i] ? SafetyDecision.Vetoed : SafetyDecision.Ok;
            if (safety is not null && !SafetyDecisionText.TryParse(safety[i], out decision))
                throw Bad($"column '{EpisodeSchema.Safety}' holds '{safety[i]}', expected ok, clamped, vetoed, fallback or estop");
            rows.Add(new Transition(episode[i], step[i], time[i], obs[i], action[i], reward[i], nextObs[i],
                terminated[i], truncated[i], src, robotId[i], vetoed[i], decision, proposed?[i]));
        }
    }

    private DataField Scalar(ParquetSchema schema, string name, Type type)
    {
        var field = schema.Fields.FirstOrDefault(f => f.Name == name) ?? throw Bad($"missing column '{name}'");
        if (field is not DataField data || data.IsArray || data.MaxRepetitionLevel != 0 || !IsType(data, type))
            throw Bad($"column '{name}' is not a {type.Name} column");
        return data;
    }

    private DataField FloatList(ParquetSchema schema, string name)
    {
        var field = schema.Fields.FirstOrDefault(f => f.Name == name) ?? throw Bad($"missing column '{name}'");
        if (field is not ListField { Item: DataField item } || item.MaxRepetitionLevel != 1 || !IsType(item, typeof(float)))
            throw Bad($"column '{name}' is not a list<float> column");
        return item;
    }

    // Parquet.Net 6 reports UTF-8 string columns as ReadOnlyMemory<char>.
    private static bool IsType(DataField field, Type type) =>
        field.ClrType == type || (type == typeof(string) && field.ClrType == typeof(ReadOnlyMemory<char>));

    private async Task<T[]> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int n, CancellationToken ct)
        where T : struct
    {
        var values = new T[n];
        if (!field.IsNullable)
        {
            await group.ReadAsync<T>(field, values, null, ct).ConfigureAwait(false);
            return values;
        }
        var nullable = new T?[n];
        await group.ReadAsync<T>(field, nullable, null, ct).ConfigureAwait(false);
        for (int i = 0; i < n; i++)
            values[i] = nullable[i] ?? throw Bad($"column '{field.Name}' has a null in row {i}");
        return values;
    }

    private async Task<string[]> ReadStringsAsync(ParquetRowGroupReader group, DataField field, int n, CancellationToken ct)
    {
        var values = new string[n];
        await group.ReadAsync(field, values, null, ct).ConfigureAwait(false);
        for (int i = 0; i < n; i++)
            if (values[i] is null) throw Bad($"column '{field.Name}' has a null in row {i}");
        return values;
    }

    /// <summary>Rebuilds one float list per row from the column's repetition and definition levels.</summary>
    private async Task<float[][]> ReadListAsync(ParquetRowGroupReader group, DataField item, int n, CancellationToken ct)
    {
        string column = item.Path.ToList()[0];
        long entries = group.GetMetadata(item)?.MetaData?.NumValues ?? throw Bad($"column '{column}' has no metadata");
        var values = new float[entries];
        var definition = new int[entries];
        var repetition = new int[entries];
        await group.ReadRawAsync<float>(item, values, definition, repetition, ct).ConfigureAwait(false);

        var rows = new float[n][];
        // Levels: max = an element; one less per optional element; then one less = an empty list.
        int maxDef = item.MaxDefinitionLevel, emptyDef = maxDef - 1 - (item.IsNullable ? 1 : 0), row = -1, v = 0;
        var current = new List<float>();
        for (int e = 0; e < entries; e++)
        {
            if (repetition[e] == 0)
            {
                if (row >= 0) rows[row] = current.ToArray();
                if (++row >= n) throw Bad($"column '{column}' has more lists than the row group's {n} rows");
                current.Clear();
            }
            int def = definition[e];
            if (def == maxDef) current.Add(values[v++]);
            else if (def == emptyDef && repetition[e] == 0) { /* empty list */ }
            else throw Bad($"column '{column}' has a null in row {row}");
        }
        if (row >= 0) rows[row] = current.ToArray();
        if (row != n - 1) throw Bad($"column '{column}' has {row + 1} lists for {n} rows");
        return rows;
    }

    private InvalidDataException Bad(string message) => new($"{_file}: {message}");
}

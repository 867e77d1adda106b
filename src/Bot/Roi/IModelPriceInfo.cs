namespace Bot.Roi;

/// <summary>Says which price a model's tokens were costed at (catalog, override, or none), for "what the numbers rest on".</summary>
internal interface IModelPriceInfo
{
    string Describe(string model, DateTimeOffset at);
}

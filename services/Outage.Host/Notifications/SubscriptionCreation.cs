using System.Security.Cryptography;
using Grpc.Core;
using Outage.Contracts.V1;
using Outage.Grains;
using Outage.Grains.Abstractions.Notifications;
using Outage.Host.Grpc;

namespace Outage.Host.Notifications;

/// <summary>
/// Creates a subscription for a key, whichever door it came through (NotificationService, or the page's "notify me"
/// form): the same validation (every field violation at once), the same per-key cap, the same grain.
/// </summary>
internal sealed class SubscriptionCreation(IGrainFactory grains, SubscriptionValidator validator, [FromKeyedServices(OutageClock.Key)] TimeProvider time)
{
    /// <summary>
    /// The created subscription and its signing secret; INVALID_ARGUMENT with the violations, FAILED_PRECONDITION when
    /// e-mail is off, RESOURCE_EXHAUSTED when <paramref name="keyName"/> holds <paramref name="maxPerKey"/> already.
    /// </summary>
    public async Task<CreatedSubscription> CreateAsync(Subscription s, string keyName, int maxPerKey, CancellationToken cancellationToken)
    {
        var (channel, target, problems) = await validator.TargetAsync(s, cancellationToken);
        var v = new RequestValidation();
        foreach (var (field, problem) in problems)
        {
            v.Check(false, field, problem);
        }

        var (filter, events, minDuration, description) = validator.Settings(s, ref v);
        v.ThrowIfInvalid();

        if ((await grains.GetGrain<INotificationRouterGrain>(0).ListAsync(keyName)).Length >= maxPerKey)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Key '{keyName}' holds {maxPerKey} subscriptions, the most allowed: delete one first."));
        }

        var definition = new SubscriptionDefinition
        {
            Id = NewId(), KeyName = keyName, Channel = channel, Target = target, Filter = filter, Events = events, MinDuration = minDuration,
            Description = description, CreatedAt = time.GetUtcNow(),
        };
        return await grains.GetGrain<ISubscriptionGrain>(definition.Id).CreateAsync(definition);
    }

    /// <summary>A new id: <c>sub_</c> and 26 lower-case base32 characters (128 random bits).</summary>
    private static string NewId()
    {
        const string alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
        var bytes = RandomNumberGenerator.GetBytes(17);
        var chars = new char[26];
        for (var i = 0; i < chars.Length; i++)
        {
            var bit = i * 5;
            var value = (bytes[bit / 8] << 8 | bytes[(bit / 8) + 1]) >> (11 - (bit % 8)) & 31;
            chars[i] = alphabet[value];
        }

        return "sub_" + new string(chars);
    }
}

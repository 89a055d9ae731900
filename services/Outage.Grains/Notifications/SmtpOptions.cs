namespace Outage.Grains.Notifications;

/// <summary>The SMTP server e-mail notifications go through (<c>Outage:Notifications:Smtp</c>).</summary>
public sealed class SmtpOptions
{
    /// <summary>Host name; empty turns e-mail notifications off.</summary>
    public string Host { get; set; } = "";

    /// <summary>Port (default 587).</summary>
    public int Port { get; set; } = 587;

    /// <summary>STARTTLS when the server offers it (default), or none (a local relay).</summary>
    public bool UseStartTls { get; set; } = true;

    /// <summary>User name, when the server wants one.</summary>
    public string User { get; set; } = "";

    /// <summary>Password of <see cref="User"/>.</summary>
    public string Password { get; set; } = "";

    /// <summary>The sender address (default <c>outage@localhost</c>).</summary>
    public string From { get; set; } = "outage@localhost";
}

"""The composition root: settings, dependency-injector containers and the app factories.
The only package that knows dependency-injector."""

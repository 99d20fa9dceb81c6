@echo off
rem Runs pgroll from an unpacked distribution. Java options can be added with PGROLL_JAVA_OPTS; JAVA_HOME picks the JDK.
rem Unlike bin/pgroll, this does not make a class-data sharing archive, so start-up is slower.
setlocal
set "JAVA=java"
if defined JAVA_HOME if exist "%JAVA_HOME%\bin\java.exe" set "JAVA=%JAVA_HOME%\bin\java.exe"
set "LIB=%~dp0..\lib"
"%JAVA%" %PGROLL_JAVA_OPTS% -XX:TieredStopAtLevel=1 -Xshare:auto -cp "%LIB%\pgroll-cli.jar;%LIB%\*" io.pgroll.cli.Main %*
exit /b %ERRORLEVEL%
